{{/* The pod logs module. Input: a context whose .Values are this chart's values. */}}
{{- define "feature.podLogs.module" }}
declare "pod_logs" {
  argument "logs_destinations" {
    comment = "Where collected logs are sent"
  }

  discovery.kubernetes "pods" {
    role = "pod"
{{- with .Values.namespaces }}
    namespaces {
      names = {{ . | toJson }}
    }
{{- end }}
  }
{{- if eq .Values.gatherMethod "volumes" }}
  {{- include "feature.podLogs.volumes.alloy" . | nindent 2 }}
{{- else if eq .Values.gatherMethod "kubernetesApi" }}
  {{- include "feature.podLogs.api.alloy" . | nindent 2 }}
{{- end }}

  {{- include "feature.podLogs.processing.alloy" . | nindent 2 }}
}
{{- end -}}

{{- define "feature.podLogs.volumes.alloy" }}
local.file_match "pod_logs" {
  path_targets = discovery.kubernetes.pods.targets
}

loki.source.file "pod_logs" {
  targets    = local.file_match.pod_logs.targets
  forward_to = [loki.process.pod_logs.receiver]
}
{{- end }}

{{- define "feature.podLogs.api.alloy" }}
loki.source.kubernetes "pod_logs" {
  targets    = discovery.kubernetes.pods.targets
  forward_to = [loki.process.pod_logs.receiver]
}
{{- end }}
