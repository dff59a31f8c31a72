{{- define "nilinc.path" -}}
{{ .Values.tls.cert.path }}
{{- end -}}

{{- define "nilinc.outer" -}}
path={{ include "nilinc.path" . }}
{{- end -}}
