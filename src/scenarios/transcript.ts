import type { ExtensionHost } from '../simulator.ts';
import { isRelatedTo } from './match.ts';

/** One thing that happened in a conversation, `at` ms after it started. */
export type TranscriptEntry =
  | {
      at: number;
      kind: 'request';
      method: string;
      path: string;
      query: string;
      requestBody: string;
      status: number;
      responseBody: string;
    }
  | { at: number; kind: 'action'; action: string; args: unknown }
  | {
      at: number;
      kind: 'event';
      type: string;
      url: string;
      body: string;
      /** The system under test's answers to each attempt. */
      responses: { at: number; status: number | null; error: string | null }[];
    };

/** A recorded conversation: requests received, actions, events sent, relative timing and the SUT's answers. */
export type Transcript = {
  version: 1;
  provider: string;
  conversationId: string;
  /** Simulator clock, ISO 8601. */
  startedAt: string;
  /** The data the provider announced at the start (for templates and triggers). */
  data: Record<string, unknown>;
  entries: TranscriptEntry[];
};

type Recorded = { order: number; time: number };

/**
 * A Map that forgets its oldest key once it holds `limit`. It evicts through a ring of its keys: reading a Map's
 * oldest key walks past every entry deleted before it. A new key is told by the size growing (one hash lookup).
 */
class BoundedMap<K, V> extends Map<K, V> {
  readonly #limit: number;
  readonly #keys: K[] = [];
  #next = 0;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override set(key: K, value: V): this {
    const size = this.size;
    super.set(key, value);
    if (this.size === size) return this;
    if (this.#keys.length < this.#limit) this.#keys.push(key);
    else {
      this.delete(this.#keys[this.#next]!);
      this.#keys[this.#next] = key;
      this.#next = (this.#next + 1) % this.#limit;
    }
    return this;
  }

  override clear(): void {
    super.clear();
    this.#keys.length = 0;
    this.#next = 0;
  }
}

/**
 * A number per request sequence, for the last `limit` sequences: slots of a ring (no hashing, no keys), which grows
 * as sequences come (a large `--journal-limit` costs nothing up front).
 */
class RecentNumbers {
  readonly #limit: number;
  #seqs: number[] = [];
  #values: number[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(limit, 1);
  }

  set(seq: number, value: number): void {
    const slot = seq % this.#limit;
    this.#seqs[slot] = seq;
    this.#values[slot] = value;
  }

  get(seq: number): number | undefined {
    const slot = seq % this.#limit;
    return this.#seqs[slot] === seq ? this.#values[slot] : undefined;
  }

  clear(): void {
    this.#seqs = [];
    this.#values = [];
  }
}

/** Records what the journal and deliveries do not hold: actions, conversation starts, and the order of things. */
export function createTranscriptRecorder(host: ExtensionHost) {
  const { control, signals } = host;
  // What is remembered per request, delivery and conversation is bounded like the journal's window: the oldest
  // goes first, so a long-running simulator does not grow (a transcript needs the requests the window holds).
  const limit = control.health().journal.limit;
  let order = 0;
  // Per provider, then by conversation id: the id is used as it came (a key made of both cost a new string and its
  // hash per conversation started, about 1% of a create's CPU).
  const starts = new Map<string, BoundedMap<string, { time: number; data: Record<string, unknown> }>>();
  const actions = new Map<string, BoundedMap<string, (Recorded & { action: string; args: unknown })[]>>();
  const of = <V>(byProvider: Map<string, BoundedMap<string, V>>, provider: string) => {
    let map = byProvider.get(provider);
    if (!map) {
      map = new BoundedMap<string, V>(limit);
      byProvider.set(provider, map);
    }
    return map;
  };
  const requestOrder = new RecentNumbers(limit);
  const deliveryOrder = new BoundedMap<string, number>(limit);
  // Requests and actions are announced when they end; the webhooks they caused were created before that.
  // Each one is ordered just before the first webhook created since the previous request or action, so that
  // a cause comes before its effects when the clock shows the same time (always, on a virtual clock).
  let pending: number[] = [];
  const orderOfOperation = () => {
    const first = pending[0];
    pending = [];
    order++;
    return first === undefined ? order : first - 0.5;
  };

  const offs = [
    signals.on('conversation', (signal) => {
      if (signal.type !== 'conversation.started') return;
      const started = of(starts, signal.provider);
      if (!started.has(signal.conversationId))
        started.set(signal.conversationId, { time: host.clock.now(), data: signal.data ?? {} });
    }),
    signals.on('action', (action) => {
      const recorded = of(actions, action.provider);
      const list = recorded.get(action.conversationId) ?? [];
      recorded.set(action.conversationId, list);
      list.push({ order: orderOfOperation(), time: action.time, action: action.action, args: action.args });
    }),
    signals.on('request.handled', ({ seq }) => {
      requestOrder.set(seq, orderOfOperation());
    }),
    signals.on('delivery.created', (delivery) => {
      deliveryOrder.set(delivery.id, ++order);
      pending.push(order);
    }),
  ];

  return {
    transcript(provider: string, conversationId: string): Transcript {
      const start = starts.get(provider)?.get(conversationId);
      const related = isRelatedTo(conversationId);
      const requests = control
        .requests({ provider })
        .filter((e) => related(e) && (start === undefined || e.time >= start.time));
      const deliveries = control.deliveries({ provider, conversationId });
      const recordedActions = actions.get(provider)?.get(conversationId) ?? [];
      const startTime = Math.min(
        start?.time ?? Number.POSITIVE_INFINITY,
        ...requests.map((r) => r.time),
        ...deliveries.map((d) => d.createdAt),
        ...recordedActions.map((a) => a.time),
      );
      if (!Number.isFinite(startTime)) {
        throw new Error(
          `No conversation '${conversationId}' of ${provider} was recorded. Please check the id (GET /__admin/conversations lists them).`,
        );
      }
      const timed: { time: number; order: number; entry: TranscriptEntry }[] = [
        ...requests.map((r) => ({
          time: r.time,
          order: requestOrder.get(r.seq) ?? r.seq,
          entry: {
            at: r.time - startTime,
            kind: 'request' as const,
            method: r.method,
            path: r.path,
            query: r.query,
            requestBody: r.requestBody,
            status: r.status,
            responseBody: r.responseBody,
          },
        })),
        ...recordedActions.map((a) => ({
          time: a.time,
          order: a.order,
          entry: { at: a.time - startTime, kind: 'action' as const, action: a.action, args: a.args },
        })),
        ...deliveries.map((d) => ({
          time: d.createdAt,
          order: deliveryOrder.get(d.id) ?? Number.POSITIVE_INFINITY,
          entry: {
            at: d.createdAt - startTime,
            kind: 'event' as const,
            type: d.type,
            url: d.url,
            body: d.body,
            responses: d.attempts.map((a) => ({ at: a.time - startTime, status: a.status, error: a.error })),
          },
        })),
      ];
      timed.sort((a, b) => a.time - b.time || a.order - b.order);
      return {
        version: 1,
        provider,
        conversationId,
        startedAt: new Date(startTime).toISOString(),
        data: start?.data ?? {},
        entries: timed.map((t) => t.entry),
      };
    },
    clear() {
      starts.clear();
      actions.clear();
      requestOrder.clear();
      deliveryOrder.clear();
      pending = [];
    },
    close() {
      for (const off of offs) off();
    },
  };
}
