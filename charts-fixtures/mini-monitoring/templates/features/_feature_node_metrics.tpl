{{- define "features.nodeMetrics.collectors" }}
{{- if .Values.nodeMetrics.enabled -}}
- {{ .Values.nodeMetrics.collector }}
{{- end }}
{{- end }}

{{- define "features.nodeMetrics.destinationType" }}prometheus{{ end }}

{{- define "features.nodeMetrics.include" }}
{{- if .Values.nodeMetrics.enabled -}}
// Feature: Node Metrics
{{- include "feature.nodeMetrics.module" (dict "Values" .Values.nodeMetrics) }}
node_metrics "feature" {
  metrics_destinations = [
    {{ include "destinations.targets" (dict "destinations" $.Values.destinations "type" "prometheus") | indent 4 | trim }}
  ]
}
{{- end -}}
{{- end -}}
