{{/* Scrape blocks for every job. Input: dict "jobs" "forward". */}}
{{- define "alloycm.scrapes" -}}
{{- range .jobs }}
prometheus.scrape {{ .name | quote }} {
  targets = [{ "__address__" = {{ .address | quote }}, job = {{ .name | quote }} }]
  scrape_interval = {{ .interval | quote }}
  forward_to = [{{ $.forward }}]
}
{{- end }}
{{- end -}}
