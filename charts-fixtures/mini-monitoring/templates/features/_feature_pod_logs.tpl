{{- define "features.podLogs.collectors" }}
{{- if .Values.podLogs.enabled -}}
- {{ .Values.podLogs.collector }}
{{- end }}
{{- end }}

{{- define "features.podLogs.destinationType" }}loki{{ end }}

{{- define "features.podLogs.include" }}
{{- if .Values.podLogs.enabled -}}
{{- $stages := cat (include "features.common.logStages" .) "\n" .Values.podLogs.extraLogProcessingStages | trim }}
{{- $values := mergeOverwrite .Values.podLogs (dict "extraLogProcessingStages" $stages) }}

// Feature: Pod Logs
{{- include "feature.podLogs.module" (dict "Values" $values "Release" $.Release "Chart" $.Chart) }}
pod_logs "feature" {
  logs_destinations = [
    {{ include "destinations.targets" (dict "destinations" $.Values.destinations "type" "loki") | indent 4 | trim }}
  ]
}
{{- end -}}
{{- end -}}
