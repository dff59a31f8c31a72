{{/* Every feature, in the order their configuration is written. */}}
{{- define "features.list" }}
- podLogs
- clusterEvents
- nodeMetrics
{{- end }}

{{/*
Log stages the parent adds in front of the user's extraLogProcessingStages.
Empty unless podLogs.dropDebugLines is set.
*/}}
{{- define "features.common.logStages" -}}
{{- if .Values.podLogs.dropDebugLines }}
stage.drop {
  expression = "level=debug"
}
{{- end }}
{{- end -}}
