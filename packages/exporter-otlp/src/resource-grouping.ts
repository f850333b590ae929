import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

type Resource = ReadableSpan['resource'];

const keyOf = new WeakMap<Resource, string>();

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

/**
 * The serializers group spans by Resource *object*; a producer that makes an equal Resource per
 * span would get one ResourceSpans per span. This points spans with equal resources at the first
 * such object (a prototype wrapper, so the span is otherwise untouched), so they share one entry.
 */
export function shareEqualResources(spans: readonly ReadableSpan[]): ReadableSpan[] {
  const first = new Map<string, Resource>();
  return spans.map((span) => {
    const key = resourceKey(span.resource);
    const canonical = first.get(key);
    if (!canonical) {
      first.set(key, span.resource);
      return span;
    }
    if (canonical === span.resource) return span;
    return Object.create(span, {
      resource: { value: canonical, enumerable: true },
    }) as ReadableSpan;
  });
}
