{{/*
Names and labels shared by every template.

Names: objects a second release could collide with are named after palisade.fullname, the usual
Helm rule: the release name if it contains the chart name (release "palisade" gives "palisade",
so "palisade-operator" and "palisade-inject", the names the docs use), else
"<release>-palisade". Cluster-scoped objects need it most: two releases in two namespaces must
not fight over one ClusterRole or webhook configuration.
*/}}

{{- define "palisade.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* 54 characters at most, so that "<fullname>-operator" is a valid Service name (63). */}}
{{- define "palisade.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 54 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "palisade.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The operator's Deployment, Service, RBAC, PodDisruptionBudget and leader-election Lease. */}}
{{- define "palisade.operator.fullname" -}}
{{- printf "%s-operator" (include "palisade.fullname" .) }}
{{- end }}

{{- define "palisade.operator.serviceAccountName" -}}
{{- default (include "palisade.operator.fullname" .) .Values.operator.serviceAccountName }}
{{- end }}

{{/* The injection webhook's MutatingWebhookConfiguration (PALISADE_WEBHOOK_CONFIGURATION). */}}
{{- define "palisade.webhook.configurationName" -}}
{{- printf "%s-inject" (include "palisade.fullname" .) }}
{{- end }}

{{/*
Selector labels: the stable subset, for Deployment and Service selectors and affinity terms.
Call with (dict "context" $ "component" "operator").
*/}}
{{- define "palisade.selectorLabels" -}}
app.kubernetes.io/name: {{ include "palisade.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Every object's labels: the selector labels, version, chart and manager, and commonLabels.
Call with (dict "context" $ "component" "operator").
*/}}
{{- define "palisade.labels" -}}
{{ include "palisade.selectorLabels" . }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: palisade
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
helm.sh/chart: {{ include "palisade.chart" .context }}
{{- with .context.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "palisade.image" -}}
{{- printf "%s:%s" .image.repository (.image.tag | default .context.Chart.AppVersion) }}
{{- end }}
