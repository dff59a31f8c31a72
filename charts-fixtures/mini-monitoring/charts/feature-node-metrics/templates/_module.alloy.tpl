{{/* The node metrics module. Input: a context whose .Values are this chart's values. */}}
{{- define "feature.nodeMetrics.module" }}
declare "node_metrics" {
  argument "metrics_destinations" {
    comment = "Where metrics are sent"
  }

  discovery.kubernetes "nodes" {
    role = "node"
  }

  discovery.relabel "node_exporter" {
    targets = discovery.kubernetes.nodes.targets
    rule {
      source_labels = ["__meta_kubernetes_node_address_InternalIP"]
      replacement   = "$1:{{ .Values.port }}"
      target_label  = "__address__"
    }
  }

  prometheus.scrape "node_exporter" {
    targets         = discovery.relabel.node_exporter.output
    scrape_interval = {{ .Values.scrapeInterval | quote }}
    sample_limit    = {{ .Values.sampleLimit }}
    forward_to      = [prometheus.relabel.node_exporter.receiver]
  }

  prometheus.relabel "node_exporter" {
{{- with .Values.metricsTuning.includeMetrics }}
    rule {
      source_labels = ["__name__"]
      regex         = {{ join "|" . | quote }}
      action        = "keep"
    }
{{- end }}
{{- with .Values.metricsTuning.excludeMetrics }}
    rule {
      source_labels = ["__name__"]
      regex         = {{ join "|" . | quote }}
      action        = "drop"
    }
{{- end }}
    forward_to = argument.metrics_destinations.value
  }
}
{{- end }}
