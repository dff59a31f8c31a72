{{/*
The release-qualified name of one collector.
Input: dict "Release" (the release object) "name" (the collector name).
*/}}
{{- define "mini.fullname" -}}
{{- printf "%s-%s" .Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Labels shared by every object, parent and subcharts alike: the subchart
templates call this helper too, so `.Chart` is whichever chart calls it.
*/}}
{{- define "mini.labels" -}}
app.kubernetes.io/part-of: mini-monitoring
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
