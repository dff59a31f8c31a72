{{ define "x" }}{{ index .Values "a" "b" }}{{ end }}
