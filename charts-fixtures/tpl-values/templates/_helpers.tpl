{{- define "tplv.suffix" -}}
{{ .Values.name }}-suffix
{{- end -}}
