import { isRecord, type KubeObject } from '@kspan/core';

/**
 * The one shape both Event APIs are emitted in: core/v1 `Event` (what `kubectl get events -o json`,
 * the conformance captures and the original kspan use). An events.k8s.io/v1 Event is converted the
 * way the API server converts between the two (they are one stored object):
 * regarding → involvedObject, note → message, reportingController → reportingComponent,
 * deprecatedSource → source, deprecatedFirstTimestamp/deprecatedLastTimestamp/deprecatedCount →
 * firstTimestamp/lastTimestamp/count; eventTime, series, action, reason, type, related,
 * reportingInstance and metadata are the same. A core/v1 Event is returned as it is.
 */
export function toCoreEvent(object: KubeObject): KubeObject {
  if (object.apiVersion !== 'events.k8s.io/v1' && object.apiVersion !== 'events.k8s.io/v1beta1')
    return object;
  const o = object as Record<string, unknown>;
  const out: Record<string, unknown> = { apiVersion: 'v1', kind: 'Event', metadata: o.metadata };
  const copy = (from: string, to = from) => {
    if (o[from] !== undefined && o[from] !== null) out[to] = o[from];
  };
  copy('regarding', 'involvedObject');
  copy('reason');
  copy('note', 'message');
  copy('deprecatedSource', 'source');
  copy('deprecatedFirstTimestamp', 'firstTimestamp');
  copy('deprecatedLastTimestamp', 'lastTimestamp');
  copy('deprecatedCount', 'count');
  copy('type');
  copy('eventTime');
  copy('series');
  copy('action');
  copy('related');
  copy('reportingController', 'reportingComponent');
  copy('reportingInstance');
  if (!isRecord(out.involvedObject)) out.involvedObject = {};
  if (!isRecord(out.source)) out.source = {};
  return out as KubeObject;
}
