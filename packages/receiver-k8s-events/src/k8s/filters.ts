import type { KubeObject } from '@kspan/core';

export interface EventFilterConfig {
  namespaces?: string[];
  exclude_namespaces?: string[];
  event_types?: string[];
  reasons?: string[];
  involved_kinds?: string[];
}

/** Why an Event is dropped by the filters (a metric label), or undefined when it passes. */
export type DropReason = 'namespace' | 'event_type' | 'reason' | 'involved_kind';

/**
 * The Event filters, on core/v1-shaped Events. Empty lists allow everything. Namespace lists are
 * also applied server-side (per-namespace watches, `metadata.namespace!=` field selectors); this
 * check is the client-side guarantee.
 */
export function eventFilter(
  config: EventFilterConfig,
): (event: KubeObject) => DropReason | undefined {
  const include = set(config.namespaces);
  const exclude = set(config.exclude_namespaces);
  const types = set(config.event_types);
  const reasons = set(config.reasons);
  const kinds = set(config.involved_kinds);
  return (event) => {
    const ns = event.metadata?.namespace ?? '';
    if (include && !include.has(ns)) return 'namespace';
    if (exclude?.has(ns)) return 'namespace';
    if (types && !types.has(String(event.type ?? ''))) return 'event_type';
    if (reasons && !reasons.has(String(event.reason ?? ''))) return 'reason';
    if (kinds) {
      const involved = event.involvedObject as { kind?: unknown } | undefined;
      if (!kinds.has(String(involved?.kind ?? ''))) return 'involved_kind';
    }
    return undefined;
  };
}

function set(list: string[] | undefined): Set<string> | undefined {
  return list && list.length > 0 ? new Set(list) : undefined;
}

/** `metadata.namespace!=a,metadata.namespace!=b` joined to a user field selector. */
export function withExcludedNamespaces(
  fieldSelector: string | undefined,
  exclude: string[] | undefined,
): string {
  const parts = [
    ...(fieldSelector ? [fieldSelector] : []),
    ...(exclude ?? []).map((ns) => `metadata.namespace!=${ns}`),
  ];
  return parts.join(',');
}
