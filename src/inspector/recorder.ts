// What the inspector remembers per conversation that the admin API cannot look up by conversation: the inbound
// requests (journal entries) and the agent/customer actions, taken from the event stream. Started on the first
// inspector call, so that a simulator nobody inspects pays nothing; bounded in conversations and in items.
import type { EventHub } from '../events.ts';
import type { JournalEntry } from '../journal.ts';

/**
 * An agent or customer action as the timeline shows it. `seq` orders it among the conversation's requests and
 * webhooks (see `RecordedRequest`).
 */
export type RecordedAction = { id: number; seq: number; time: number; action: string; args: unknown };

/**
 * A journal entry with `seq`, its place in the conversation's order: a request's event is published once it is
 * answered, after the webhooks it caused, so a request (or an action) is placed just before the first webhook
 * created since the previous request or action.
 */
export type RecordedRequest = JournalEntry & { seq: number };

/** What the recorder holds for one conversation; `order` maps delivery ids to the id of their created event. */
export type ConversationRecord = {
  requests: RecordedRequest[];
  actions: RecordedAction[];
  order: Map<string, number>;
  /** The first webhook created since the last request or action (its event id, time and clock epoch), or null. */
  firstEffect: { id: number; time: number; epoch: number } | null;
};

/** A conversation's record as the timeline route answers it. */
export type RecordView = {
  requests: RecordedRequest[];
  actions: RecordedAction[];
  order: Record<string, number>;
  /** When recording started (epoch ms, simulator clock), null before. */
  since: number | null;
};

/** Limits of the recorder. */
export type RecorderLimits = {
  /** Conversations remembered; the least recently active are forgotten first (default 2,000). */
  conversations: number;
  /** Requests and actions kept per conversation, the newest (default 500 each). */
  items: number;
};

/** The recorder of one simulator's inspector. */
export type InspectorRecorder = {
  /** Starts recording (idempotent). */
  start(): void;
  /** The record of one conversation (empty when none). */
  of(provider: string, conversationId: string): RecordView;
  close(): void;
};

/** Creates the recorder; nothing is recorded before `start`. */
export function createInspectorRecorder(
  events: EventHub,
  now: () => number,
  limits: Partial<RecorderLimits> = {},
): InspectorRecorder {
  const maxConversations = limits.conversations ?? 2000;
  const maxItems = limits.items ?? 500;
  // Insertion order is recency order: a record touched again is moved to the end.
  const records = new Map<string, ConversationRecord>();
  let since: number | null = null;
  let epoch = 0;
  let off: (() => void) | null = null;

  const recordOf = (key: string): ConversationRecord => {
    const found = records.get(key);
    if (found) records.delete(key);
    const record = found ?? { requests: [], actions: [], order: new Map(), firstEffect: null };
    records.set(key, record);
    if (records.size > maxConversations) records.delete(records.keys().next().value as string);
    return record;
  };
  const push = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > maxItems) list.shift();
  };

  return {
    start() {
      if (off) return;
      since = now();
      // Debug level for `delivery.created` (the order of webhooks among requests and actions); an open inspector
      // subscribes to the stream, which builds every event anyway.
      off = events.listen('debug', (event, source) => {
        if (event.type === 'reset') records.clear();
        // Webhooks of timers that fired while the clock was advanced are nobody's effect.
        if (event.type === 'clock') epoch++;
        if (event.provider === null || event.conversationId === null) return;
        const key = `${event.provider}\u0000${event.conversationId}`;
        // The place of a request or action: before the webhooks it caused (see RecordedRequest).
        const placeOf = (record: ConversationRecord) => {
          const first = record.firstEffect;
          record.firstEffect = null;
          return first !== null && first.time === event.time && first.epoch === epoch
            ? first.id - 0.5
            : event.id;
        };
        if (event.type === 'request' && source.type === 'request') {
          const record = recordOf(key);
          push(record.requests, { ...source.entry, seq: placeOf(record) });
        }
        if (event.type === 'delivery.created') {
          const record = recordOf(key);
          record.order.set(event.deliveryId, event.id);
          const first = record.firstEffect;
          if (first === null || first.epoch !== epoch || first.time !== event.time) {
            record.firstEffect = { id: event.id, time: event.time, epoch };
          }
          if (record.order.size > maxItems) record.order.delete(record.order.keys().next().value as string);
        }
        if (event.type === 'action' && source.type === 'action') {
          const record = recordOf(key);
          push(record.actions, {
            id: event.id,
            seq: placeOf(record),
            time: event.time,
            action: event.action,
            args: source.args,
          });
        }
      });
    },
    of(provider, conversationId) {
      const record = records.get(`${provider}\u0000${conversationId}`);
      return {
        requests: record?.requests ?? [],
        actions: record?.actions ?? [],
        order: Object.fromEntries(record?.order ?? []),
        since,
      };
    },
    close() {
      off?.();
      off = null;
      records.clear();
    },
  };
}
