{{- define "chain.outer" -}}
{{- range .Values.servers }}
{{ include "chain.inner" . }}
{{- end }}
{{- end -}}

{{- define "chain.inner" -}}
{{ .name }}:{{ required (printf "server %s needs a port" .name) .port }}
{{- end -}}
