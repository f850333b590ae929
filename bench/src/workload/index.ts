// Synthetic Kubernetes activity in kspan's capture format, seeded and reproducible.
export { workload, workloadLines } from './assemble.js';
export type { WorkloadOptions, ScenarioKind } from './assemble.js';
export { clusterState } from './cluster.js';
export type { ClusterOptions, ClusterCounts } from './cluster.js';
export { Rng } from './prng.js';
export type { ObjectShape } from './objects.js';
