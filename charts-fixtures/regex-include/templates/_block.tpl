{{/* A block whose lines end in trailing spaces and tabs on purpose. */}}
{{- define "regex.block" }}
server {   
  port = {{ .Values.port }}	
{{- range .Values.hosts }}
  host = {{ . | quote }}  
{{- end }}
}  
{{ end }}
