import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

/** The spans of one instrumentation scope within one resource, in input order. */
export interface ScopeGroup {
  scope: Scope;
  spans: ReadableSpan[];
}

/** One `ResourceSpans` entry: a resource (the first of its equal ones) and its scopes. */
export interface ResourceGroup {
  resource: Resource;
  scopes: ScopeGroup[];
}

const keyOf = new WeakMap<Resource, string>();

/** Equal resources (schema URL and attributes, in any order) have equal keys. */
function resourceKey(resource: Resource): string {
  let key = keyOf.get(resource);
  if (key === undefined) {
    const attrs = Object.entries(resource.attributes).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    key = JSON.stringify([resource.schemaUrl ?? '', attrs]);
    keyOf.set(resource, key);
  }
  return key;
}

/** How the official serializers tell scopes apart (the JSON one by this key, protobuf by object). */
function scopeKey(scope: Scope): string {
  return `${scope.name}@${scope.version ?? ''}:${scope.schemaUrl ?? ''}`;
}

/**
 * Groups spans as an `ExportTraceServiceRequest` holds them: by resource, then by scope, each in
 * the order first seen. The official serializers group by Resource *object*, so a producer that
 * makes an equal Resource per span would get one entry per span; here equal resources share the
 * entry of the first.
 */
export function groupSpans(spans: readonly ReadableSpan[]): ResourceGroup[] {
  const groups: ResourceGroup[] = [];
  // Spans of one batch nearly always share a handful of resource and scope objects: look those up
  // by identity first, by content only for an object not seen yet in this batch.
  const byObject = new Map<Resource, ResourceGroup>();
  const byKey = new Map<string, ResourceGroup>();
  let lastScope: Scope | undefined;
  let lastGroup: ResourceGroup | undefined;
  let lastScopeGroup: ScopeGroup | undefined;
  for (const span of spans) {
    const resource = span.resource;
    let group = byObject.get(resource);
    if (group === undefined) {
      const key = resourceKey(resource);
      group = byKey.get(key);
      if (group === undefined) {
        group = { resource, scopes: [] };
        byKey.set(key, group);
        groups.push(group);
      }
      byObject.set(resource, group);
    }
    const scope = span.instrumentationScope;
    if (group === lastGroup && scope === lastScope && lastScopeGroup) {
      lastScopeGroup.spans.push(span);
      continue;
    }
    const sk = scopeKey(scope);
    let scopeGroup = group.scopes.find((s) => s.scope === scope || scopeKey(s.scope) === sk);
    if (scopeGroup === undefined) {
      scopeGroup = { scope, spans: [] };
      group.scopes.push(scopeGroup);
    }
    scopeGroup.spans.push(span);
    lastGroup = group;
    lastScope = scope;
    lastScopeGroup = scopeGroup;
  }
  return groups;
}
