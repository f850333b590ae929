// The OTLP/JSON shape of a trace export request, as far as readers of kspan's output need it
// (opentelemetry/proto/collector/trace/v1/trace_service.proto in its JSON mapping).

export interface OtlpJsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64: a decimal string. */
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values: OtlpJsonAnyValue[] };
  kvlistValue?: { values: OtlpJsonKeyValue[] };
  /** base64 */
  bytesValue?: string;
}

export interface OtlpJsonKeyValue {
  key: string;
  value: OtlpJsonAnyValue;
}

export interface OtlpJsonSpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: OtlpJsonKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpJsonSpanLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: OtlpJsonKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface OtlpJsonSpan {
  /** 32 hex digits */
  traceId: string;
  /** 16 hex digits */
  spanId: string;
  /** 16 hex digits; absent on a root span */
  parentSpanId?: string;
  traceState?: string;
  name: string;
  /** 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpJsonKeyValue[];
  droppedAttributesCount?: number;
  events: OtlpJsonSpanEvent[];
  droppedEventsCount?: number;
  links: OtlpJsonSpanLink[];
  droppedLinksCount?: number;
  /** code: 0 unset, 1 ok, 2 error */
  status: { code?: number; message?: string };
  flags?: number;
}

export interface OtlpJsonScopeSpans {
  scope?: { name: string; version?: string; attributes?: OtlpJsonKeyValue[] };
  spans: OtlpJsonSpan[];
  schemaUrl?: string;
}

export interface OtlpJsonResourceSpans {
  resource?: { attributes: OtlpJsonKeyValue[]; droppedAttributesCount?: number };
  scopeSpans: OtlpJsonScopeSpans[];
  schemaUrl?: string;
}

/** One `ExportTraceServiceRequest`: one line of the file exporter's output. */
export interface OtlpJsonTraceRequest {
  resourceSpans: OtlpJsonResourceSpans[];
}
