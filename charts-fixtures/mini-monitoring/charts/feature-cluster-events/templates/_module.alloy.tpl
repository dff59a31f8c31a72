{{/* The cluster events module. Input: a context whose .Values are this chart's values. */}}
{{- define "feature.clusterEvents.module" }}
declare "cluster_events" {
  argument "logs_destinations" {
    comment = "Where events are sent"
  }

  loki.source.kubernetes_events "cluster_events" {
    job_name   = "integrations/kubernetes/eventhandler"
    log_format = {{ .Values.logFormat | quote }}
{{- if .Values.namespaces }}
    namespaces = {{ .Values.namespaces | toJson }}
{{- end }}
    forward_to = argument.logs_destinations.value
  }
}
{{- end }}
