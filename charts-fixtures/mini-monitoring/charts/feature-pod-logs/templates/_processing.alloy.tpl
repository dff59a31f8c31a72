{{- define "feature.podLogs.processing.alloy" }}
loki.process "pod_logs" {
  stage.cri {}
{{- if .Values.staticLabels }}

  stage.static_labels {
    values = {
    {{- range $key, $value := .Values.staticLabels }}
      {{ $key }} = {{ $value | quote }},
    {{- end }}
    }
  }
{{- end }}
{{- if .Values.scrubSecrets }}

  stage.replace {
    expression = "(?i)(password|token)=\\S+"
    replace    = "$1=****"
  }
{{- end }}
{{- if .Values.extraLogProcessingStages }}
{{ tpl .Values.extraLogProcessingStages $ | indent 2 }}
{{- end }}

  stage.label_keep {
    values = {{ .Values.labelsToKeep | toJson }}
  }
  forward_to = argument.logs_destinations.value
}
{{- end }}
