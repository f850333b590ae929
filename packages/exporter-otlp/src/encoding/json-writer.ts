import type { Attributes, AttributeValue, Link } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { isPlainTime, nanosText } from './hr-time.js';
import { JsonBuffer } from './json-buffer.js';
import { KeysByPosition } from './keys-by-position.js';
import { isPlainObject } from './plain-object.js';
import { spanFlags } from './span-flags.js';
import { groupSpans, type ResourceGroup, type ScopeGroup } from './span-groups.js';

// OTLP/JSON written straight from the spans as UTF-8 bytes (issue 15): the same text, key for key,
// as `JSON.stringify` of the official transformer's request object (@opentelemetry/otlp-transformer
// `JsonTraceSerializer`), except that int64 values are decimal strings as the proto3 JSON mapping
// and the Collector have them. Keys are in the transformer's order and a field it leaves
// `undefined` is left out, so the output parses to exactly what the official serializer's does
// (and is the same text). test/encode-json.test.ts and the kspan package's conformance test
// compare the two. No string is built: no rope to flatten, no second UTF-8 encoding to write it.

type Scope = ReadableSpan['instrumentationScope'] & {
  attributes?: Attributes;
  droppedAttributesCount?: number;
};

/**
 * `,"name":value` when the value is there (`prefix` is the constant `,"name":`); the
 * transformer's `undefined` fields vanish.
 */
function optional(w: JsonBuffer, prefix: string, value: unknown): void {
  if (value === undefined) return;
  w.ascii(prefix);
  if (typeof value === 'string') w.string(value);
  else if (typeof value === 'number') w.number(value);
  else w.ascii(JSON.stringify(value) ?? 'null');
}

/**
 * Per attribute key, encoded once (keys repeat on every span): `{"key":"…","value":` and, for
 * the usual string value, the same with `{"stringValue":` after it.
 */
interface KeyPrefix {
  any: Uint8Array;
  string: Uint8Array;
}
const keyScratch = new JsonBuffer(256);
const keyPrefixes = new KeysByPosition<KeyPrefix>((key) => {
  keyScratch.reset();
  keyScratch.ascii('{"key":');
  keyScratch.string(key);
  keyScratch.ascii(',"value":');
  const any = keyScratch.bytes();
  keyScratch.ascii('{"stringValue":');
  return { any, string: keyScratch.bytes() };
});

/** `[a,b,…]`, each item written by `write`. */
function list<T>(w: JsonBuffer, items: readonly T[], write: (w: JsonBuffer, item: T) => void) {
  w.ascii('[');
  for (let i = 0; i < items.length; i++) {
    if (i) w.ascii(',');
    write(w, items[i]!);
  }
  w.ascii(']');
}

function anyValue(w: JsonBuffer, value: AttributeValue | undefined | null): void {
  switch (typeof value) {
    case 'string':
      w.ascii('{"stringValue":');
      w.string(value);
      return w.ascii('}');
    case 'number':
      if (Number.isInteger(value)) {
        // In parts: a template string here is a new string to build and then read character
        // by character (measured: ~3 µs a value in a replay, most of this function's time).
        w.ascii('{"intValue":"');
        w.ascii(String(value));
        return w.ascii('"}');
      }
      w.ascii('{"doubleValue":');
      w.number(value);
      return w.ascii('}');
    case 'boolean':
      return w.ascii(value ? '{"boolValue":true}' : '{"boolValue":false}');
  }
  const v = value as unknown;
  if (v instanceof Uint8Array)
    return w.ascii(`{"bytesValue":"${Buffer.from(v).toString('base64')}"}`);
  if (Array.isArray(v)) {
    w.ascii('{"arrayValue":{"values":');
    list(w, v as AttributeValue[], anyValue);
    return w.ascii('}}');
  }
  if (typeof v === 'object' && v !== null) {
    w.ascii('{"kvlistValue":{"values":');
    attributes(w, v as Attributes);
    return w.ascii('}}');
  }
  w.ascii('{}');
}

/** One `{"key":…,"value":…}` (the `i`th of its list), after a comma unless it is the first. */
function keyValue(w: JsonBuffer, key: string, value: AttributeValue | undefined, i: number) {
  if (i !== 0) w.byte(0x2c); // ,
  const prefix = keyPrefixes.at(i, key);
  if (typeof value === 'string') {
    w.raw(prefix.string);
    w.string(value);
    w.byte(0x7d); // }
  } else {
    w.raw(prefix.any);
    anyValue(w, value);
  }
  w.byte(0x7d);
}

function attributes(w: JsonBuffer, attrs: Attributes): void {
  w.byte(0x5b); // [
  let i = 0;
  if (isPlainObject(attrs)) {
    for (const key in attrs) keyValue(w, key, attrs[key], i++);
  } else {
    for (const key of Object.keys(attrs)) keyValue(w, key, attrs[key], i++);
  }
  w.byte(0x5d); // ]
}

/** `nanosText(time)` in quotes; in the usual range its two parts as they are (no concatenation). */
function unixNano(w: JsonBuffer, time: ReadableSpan['startTime']): void {
  const [seconds, nanos] = time;
  w.byte(0x22);
  if (!isPlainTime(seconds, nanos)) w.ascii(nanosText(time));
  else if (seconds === 0) w.digits(nanos);
  else {
    w.digits(seconds);
    w.digits(nanos, 9);
  }
  w.byte(0x22);
}

function event(w: JsonBuffer, e: TimedEvent): void {
  w.ascii('{"attributes":');
  if (e.attributes) attributes(w, e.attributes);
  else w.ascii('[]');
  w.ascii(',"name":');
  w.string(e.name);
  w.ascii(',"timeUnixNano":');
  unixNano(w, e.time);
  w.ascii(',"droppedAttributesCount":');
  w.number(e.droppedAttributesCount || 0);
  w.ascii('}');
}

function link(w: JsonBuffer, l: Link): void {
  const c = l.context;
  w.ascii('{"attributes":');
  if (l.attributes) attributes(w, l.attributes);
  else w.ascii('[]');
  w.ascii(',"spanId":');
  w.string(c.spanId);
  w.ascii(',"traceId":');
  w.string(c.traceId);
  optional(w, ',"traceState":', c.traceState?.serialize());
  w.ascii(',"droppedAttributesCount":');
  w.number(l.droppedAttributesCount || 0);
  w.ascii(`,"flags":${spanFlags(c.traceFlags, c.isRemote)}}`);
}

function status(w: JsonBuffer, st: ReadableSpan['status']): void {
  w.ascii(',"status":{');
  if (st.code !== undefined) {
    w.ascii('"code":');
    w.number(st.code);
  }
  if (st.message !== undefined) {
    w.ascii(st.code !== undefined ? ',"message":' : '"message":');
    w.string(st.message);
  }
  w.ascii('}');
}

function span(w: JsonBuffer, s: ReadableSpan): void {
  const ctx = s.spanContext();
  const parent = s.parentSpanContext;
  w.ascii('{"traceId":');
  w.string(ctx.traceId);
  w.ascii(',"spanId":');
  w.string(ctx.spanId);
  if (parent?.spanId) {
    w.ascii(',"parentSpanId":');
    w.string(parent.spanId);
  }
  optional(w, ',"traceState":', ctx.traceState?.serialize());
  w.ascii(',"name":');
  w.string(s.name);
  w.ascii(',"kind":');
  w.number(s.kind == null ? 0 : s.kind + 1); // the API has no "unspecified"
  w.ascii(',"startTimeUnixNano":');
  unixNano(w, s.startTime);
  w.ascii(',"endTimeUnixNano":');
  unixNano(w, s.endTime);
  w.ascii(',"attributes":');
  attributes(w, s.attributes);
  if (hasPlainTail(s)) w.raw(PLAIN_TAIL);
  else {
    optional(w, ',"droppedAttributesCount":', s.droppedAttributesCount);
    w.ascii(',"events":');
    list(w, s.events, event);
    optional(w, ',"droppedEventsCount":', s.droppedEventsCount);
    status(w, s.status);
    w.ascii(',"links":');
    list(w, s.links, link);
    optional(w, ',"droppedLinksCount":', s.droppedLinksCount);
    w.ascii(',"flags":');
  }
  w.number(spanFlags(ctx.traceFlags, parent?.isRemote));
  w.byte(0x7d); // }
}

/** What most spans end with, up to their flags, written by the general path above: encoded once. */
const PLAIN_TAIL = Buffer.from(
  ',"droppedAttributesCount":0,"events":[],"droppedEventsCount":0,"status":{"code":0},' +
    '"links":[],"droppedLinksCount":0,"flags":',
  'latin1',
);

/** No dropped counts, events or links, and an unset status without a message. */
function hasPlainTail(s: ReadableSpan): boolean {
  return (
    s.droppedAttributesCount === 0 &&
    s.events.length === 0 &&
    s.droppedEventsCount === 0 &&
    s.status.code === 0 &&
    s.status.message === undefined &&
    s.links.length === 0 &&
    s.droppedLinksCount === 0
  );
}

function scopeSpans(w: JsonBuffer, group: ScopeGroup): void {
  const scope: Scope = group.scope;
  w.ascii('{"scope":{"name":');
  w.string(scope.name);
  optional(w, ',"version":', scope.version);
  if (scope.attributes && Object.keys(scope.attributes).length > 0) {
    w.ascii(',"attributes":');
    attributes(w, scope.attributes);
    w.ascii(',"droppedAttributesCount":');
    w.number(scope.droppedAttributesCount ?? 0);
  }
  w.ascii('},"spans":');
  list(w, group.spans, span);
  optional(w, ',"schemaUrl":', scope.schemaUrl);
  w.ascii('}');
}

/** The bytes before and after a resource's scopes, made once per Resource object. */
const resourceParts = new WeakMap<object, { head: Uint8Array; tail: Uint8Array }>();

function partsOf(resource: ResourceGroup['resource']): { head: Uint8Array; tail: Uint8Array } {
  let parts = resourceParts.get(resource);
  if (parts === undefined) {
    const b = new JsonBuffer(256); // its own: attributes() uses the key cache's buffer
    b.ascii('{"resource":{"attributes":');
    attributes(b, resource.attributes);
    b.ascii(',"droppedAttributesCount":0');
    // The transformer copies the resource's schema URL only when it is not empty.
    if (resource.schemaUrl) optional(b, ',"schemaUrl":', resource.schemaUrl);
    b.ascii('},"scopeSpans":[');
    const head = b.bytes();
    b.reset();
    b.ascii(']');
    if (resource.schemaUrl) optional(b, ',"schemaUrl":', resource.schemaUrl);
    b.ascii('}');
    parts = { head, tail: b.bytes() };
    resourceParts.set(resource, parts);
  }
  return parts;
}

function resourceSpans(w: JsonBuffer, group: ResourceGroup): void {
  const { head, tail } = partsOf(group.resource);
  w.raw(head);
  for (let i = 0; i < group.scopes.length; i++) {
    if (i) w.ascii(',');
    scopeSpans(w, group.scopes[i]!);
  }
  w.raw(tail);
}

const out = new JsonBuffer();

/** Writes one `ExportTraceServiceRequest` holding `spans` into the shared buffer, then `end`. */
function write(spans: readonly ReadableSpan[], end: string): JsonBuffer {
  out.reset();
  out.ascii('{"resourceSpans":');
  list(out, groupSpans(spans), resourceSpans);
  out.ascii('}' + end);
  return out;
}

/** One OTLP/JSON `ExportTraceServiceRequest` holding `spans`, as one line of text (no newline). */
export function otlpJsonText(spans: readonly ReadableSpan[]): string {
  return write(spans, '').text();
}

/** The same as UTF-8 bytes, followed by `end` (e.g. a newline). */
export function otlpJsonBytes(spans: readonly ReadableSpan[], end = ''): Uint8Array {
  return write(spans, end).take();
}
