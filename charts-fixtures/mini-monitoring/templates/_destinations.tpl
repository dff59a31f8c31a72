{{/* The Alloy component that writes to one destination. Input: a destination entry. */}}
{{- define "destinations.component" -}}
{{- if eq .type "loki" }}loki.write{{ else }}prometheus.remote_write{{ end }}
{{- end -}}

{{/*
The receivers of every destination of one type, one per line.
Input: dict "destinations" (the list) "type" ("loki" or "prometheus").
*/}}
{{- define "destinations.targets" -}}
{{- range $destination := .destinations }}
  {{- if eq $destination.type $.type }}
{{ include "destinations.component" $destination }}.{{ $destination.name | replace "-" "_" }}.receiver,
  {{- end }}
{{- end }}
{{- end -}}

{{/*
The writer blocks of every destination whose type is in .types.
Input: dict "destinations" "types" "cluster".
*/}}
{{- define "destinations.alloy.config" -}}
{{- range $destination := .destinations }}
  {{- if has $destination.type $.types }}
{{ include "destinations.component" $destination }} {{ $destination.name | quote }} {
  endpoint {
    url = {{ $destination.url | quote }}
    {{- with $destination.tenantId }}
    headers = {
      "X-Scope-OrgID" = {{ . | quote }},
    }
    {{- end }}
  }
  external_labels = {
    cluster = {{ $.cluster | quote }},
  }
}
  {{- end }}
{{- end }}
{{- end -}}
