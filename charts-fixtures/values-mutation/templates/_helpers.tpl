{{/* Also defined in the subchart; one of the two definitions wins for every caller. */}}
{{- define "mutation.helper" -}}
parent definition
{{- end -}}
