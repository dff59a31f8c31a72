{{- define "features.clusterEvents.collectors" }}
{{- if .Values.clusterEvents.enabled -}}
- {{ .Values.clusterEvents.collector }}
{{- end }}
{{- end }}

{{- define "features.clusterEvents.destinationType" }}loki{{ end }}

{{- define "features.clusterEvents.include" }}
{{- if .Values.clusterEvents.enabled -}}
// Feature: Cluster Events
{{- include "feature.clusterEvents.module" (dict "Values" .Values.clusterEvents) }}
cluster_events "feature" {
  logs_destinations = [
    {{ include "destinations.targets" (dict "destinations" $.Values.destinations "type" "loki") | indent 4 | trim }}
  ]
}
{{- end -}}
{{- end -}}
