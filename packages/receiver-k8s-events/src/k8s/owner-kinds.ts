import { errorMessage, type ConfigProblem } from '@kspan/core';
import { resolveKind, type OwnerKindConfig, type ResourceRef } from './resource.js';

/** The `owners` section of the k8s_events config. */
export interface OwnersConfig {
  enabled: boolean;
  kinds: unknown[];
  status_kinds: string[];
}

/**
 * The owner kinds to watch, each resolved, and which of them are watched with status; a kind that
 * cannot be resolved is a problem with its path. A `status_kinds` name must be a watched kind or a
 * well-known one (the default names kinds a user may have left out of `kinds`: those are ignored).
 */
export function ownerKindsOf(config: OwnersConfig): {
  refs: ResourceRef[];
  withStatus: Set<string>;
  problems: ConfigProblem[];
} {
  const refs: ResourceRef[] = [];
  const problems: ConfigProblem[] = [];
  const withStatus = new Set<string>();
  if (!config.enabled) return { refs, withStatus, problems };
  config.kinds.forEach((k, i) => {
    try {
      refs.push(resolveKind(k as OwnerKindConfig));
    } catch (err) {
      problems.push({ path: `owners.kinds[${i}]`, message: errorMessage(err) });
    }
  });
  config.status_kinds.forEach((name, i) => {
    const watched = refs.find((r) => r.kind.toLowerCase() === name.toLowerCase());
    if (watched) return void withStatus.add(watched.kind);
    try {
      resolveKind(name);
    } catch (err) {
      problems.push({ path: `owners.status_kinds[${i}]`, message: errorMessage(err) });
    }
  });
  return { refs, withStatus, problems };
}
