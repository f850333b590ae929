#!/usr/bin/env node
// Writes deploy/helm/kspan/values.schema.json: the chart's values, whose `config` is the JSON Schema
// that `kspan print-schema` prints, so `helm install/template/lint` rejects a bad pipeline config
// before anything reaches the cluster.
//   node scripts/gen-helm-schema.mjs          write it
//   node scripts/gen-helm-schema.mjs --check  exit 1 if the file is out of date (CI)
// One change to the printed schema: a property with a default is not required. kspan fills defaults
// before it checks `required`; Helm's validator fills nothing, so it would refuse a config that
// leaves any defaulted key out.
import { spawnSync } from 'node:child_process';
import { writeOrCheck } from './generated-file.mjs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const target = join(root, 'deploy/helm/kspan/values.schema.json');

const printed = spawnSync(
  process.execPath,
  [join(root, 'packages/kspan/dist/bin/kspan.js'), 'print-schema'],
  { encoding: 'utf8' },
);
if (printed.status !== 0) {
  process.stderr.write(printed.stderr);
  console.error('kspan print-schema failed: build the workspace first (pnpm build)');
  process.exit(1);
}

/** A copy where no property that has a default is required. */
function defaultsOptional(schema) {
  if (Array.isArray(schema)) return schema.map(defaultsOptional);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) out[k] = defaultsOptional(v);
  if (Array.isArray(schema.required) && schema.properties) {
    const required = schema.required.filter((p) => schema.properties[p]?.default === undefined);
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

const { $schema, title, ...config } = JSON.parse(printed.stdout);
const str = { type: 'string' };
const obj = { type: 'object' };
const list = { type: 'array' };
const bool = { type: 'boolean' };
const values = {
  $schema,
  title: 'kspan Helm chart values',
  type: 'object',
  additionalProperties: false,
  properties: {
    config: { ...defaultsOptional(config), description: `${title}: the kspan pipeline config` },
    image: {
      type: 'object',
      additionalProperties: false,
      required: ['repository'],
      properties: {
        repository: { type: 'string', minLength: 1 },
        tag: str,
        pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
      },
    },
    imagePullSecrets: list,
    replicaCount: { type: 'integer', minimum: 1 },
    podDisruptionBudget: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: bool, minAvailable: { type: ['integer', 'string'] } },
    },
    rbac: {
      type: 'object',
      additionalProperties: false,
      properties: { create: bool, scope: { enum: ['cluster', 'namespaced'] } },
    },
    serviceAccount: {
      type: 'object',
      additionalProperties: false,
      properties: { create: bool, name: str, annotations: obj },
    },
    metricsPort: { type: 'integer', minimum: 1, maximum: 65535 },
    service: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: bool, type: str },
    },
    serviceMonitor: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: bool, interval: str, labels: obj },
    },
    networkPolicy: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: bool, from: list, egress: list },
    },
    state: {
      type: 'object',
      additionalProperties: false,
      required: ['mountPath', 'volume'],
      properties: { mountPath: { type: 'string', pattern: '^/' }, volume: obj },
    },
    extraEnv: list,
    resources: obj,
    podAnnotations: obj,
    podLabels: obj,
    nodeSelector: obj,
    tolerations: list,
    affinity: obj,
    terminationGracePeriodSeconds: { type: 'integer', minimum: 0 },
    nameOverride: str,
    fullnameOverride: str,
    // Helm passes `global` to every chart (and subcharts); it is not ours to restrict.
    global: obj,
  },
};

const text = JSON.stringify(values, null, 2) + '\n';
writeOrCheck(target, text, 'scripts/gen-helm-schema.mjs');
