import type { NormEvent } from './normalize.js';

/**
 * client-go's event aggregator: after 10 events with the same source, object, type and reason but
 * different messages within 10 minutes, it writes one Event whose message is this prefix plus the
 * newest message, and then updates that same Event (count + 1, the next message) for each further
 * one. Each message is a different action (it names a different object: another step, another pod).
 */
export const AGGREGATED_PREFIX = '(combined from similar events): ';

/** The message behind the aggregator's prefix (what rules match). */
export function bareMessage(message: string): string {
  return message.startsWith(AGGREGATED_PREFIX) ? message.slice(AGGREGATED_PREFIX.length) : message;
}

/**
 * What one span stands for: an Event (its uid), or for an aggregated Event one of its messages —
 * an update with a new message is its own action, not a repeat of the previous one.
 */
export function actionKey(ev: NormEvent): string {
  return ev.message.startsWith(AGGREGATED_PREFIX) ? `${ev.uid}\n${ev.message}` : ev.uid;
}
