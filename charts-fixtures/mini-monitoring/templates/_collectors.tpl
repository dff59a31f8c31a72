{{/* The names of the enabled collectors, as a YAML list. */}}
{{- define "collectors.list.enabled" -}}
{{- range $collector := .Values.collectors }}
  {{- if $collector.enabled }}
- {{ $collector.name }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
One collector's settings as YAML: collectorDefaults, overridden by the
collector's own entry. Input: a context with .Values and .collectorName.
*/}}
{{- define "collector.values" -}}
{{- $settings := deepCopy .Values.collectorDefaults }}
{{- range $collector := .Values.collectors }}
  {{- if eq $collector.name $.collectorName }}
    {{- $settings = mergeOverwrite $settings (omit $collector "enabled") }}
  {{- end }}
{{- end }}
{{- toYaml $settings }}
{{- end -}}

{{/* The logging block. Input: one collector's settings (collector.values | fromYaml). */}}
{{- define "collectors.logging.alloy" -}}
logging {
  level  = {{ .logLevel | quote }}
  format = {{ .logFormat | quote }}
}
{{- end -}}

{{/* The user's extra configuration, templated. */}}
{{- define "collectors.extraConfig.alloy" -}}
{{- with .Values.extraConfig }}
{{ tpl . $ }}
{{- end }}
{{- end -}}
