{{- define "mutation.helper" -}}
subchart definition
{{- end -}}
