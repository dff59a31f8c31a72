{{/* Input: dict "greeting" "name". A missing key prints as <no value>. */}}
{{- define "incdict.greeting" -}}
{{ .greeting }}, {{ .name }}!
{{- end -}}

{{/* Input: dict "labels" (a map) "extra" (a map). */}}
{{- define "incdict.labels" -}}
{{- range $k, $v := merge (dict) .extra .labels }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/* Input: dict "top" (the root context) "item". Calls another helper with a new dict. */}}
{{- define "incdict.item" -}}
{{ .item.name }}: {{ include "incdict.greeting" (dict "greeting" .top.Values.greeting "name" .item.name) }} port={{ .item.port }} release={{ .top.Release.Name }}
{{- end -}}
