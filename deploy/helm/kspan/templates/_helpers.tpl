{{/* Names and labels. The release "kspan" in namespace "kspan" renders the names of deploy/base. */}}
{{- define "kspan.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kspan.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "kspan.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kspan.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kspan.labels" -}}
{{ include "kspan.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "kspan.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "kspan.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The namespaces the k8s_events receiver watches (empty: all). */}}
{{- define "kspan.watchedNamespaces" -}}
{{- $rcv := (.Values.config.receivers | default dict).k8s_events | default dict }}
{{- toJson ($rcv.namespaces | default list) }}
{{- end }}

{{/*
The pipeline config as the ConfigMap holds it. With namespaced RBAC the receiver must not watch
cluster-scoped Nodes (a Role cannot grant them): owners.kinds defaults to the namespaced kinds.
*/}}
{{- define "kspan.config" -}}
{{- $config := deepCopy .Values.config }}
{{- if eq .Values.rbac.scope "namespaced" }}
{{- $rcv := $config.receivers.k8s_events }}
{{- if not $rcv.namespaces }}
{{- fail "rbac.scope=namespaced: list the namespaces to watch in config.receivers.k8s_events.namespaces" }}
{{- end }}
{{- $owners := $rcv.owners | default dict }}
{{- if not (hasKey $owners "kinds") }}
{{- $_ := set $owners "kinds" (list "Deployment" "ReplicaSet" "StatefulSet" "DaemonSet" "Job" "CronJob" "Pod" "HorizontalPodAutoscaler") }}
{{- $_ := set $rcv "owners" $owners }}
{{- end }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/* Read-only rules: list and watch the Events and the kinds owner chains run through. */}}
{{- define "kspan.rules" -}}
- apiGroups: ['']
  resources: {{ if .cluster }}[events, pods, nodes]{{ else }}[events, pods]{{ end }}
  verbs: [list, watch]
{{- if .cluster }}
- apiGroups: ['']
  resources: [namespaces]
  resourceNames: [kube-system]
  verbs: [get]
{{- end }}
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [list, watch]
- apiGroups: [apps]
  resources: [deployments, replicasets, statefulsets, daemonsets]
  verbs: [list, watch]
- apiGroups: [batch]
  resources: [jobs, cronjobs]
  verbs: [list, watch]
# an HPA's spec.scaleTargetRef: the object its SuccessfulRescale changed
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [list, watch]
{{- end }}
