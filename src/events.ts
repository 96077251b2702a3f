// The simulator's event stream: one schema (docs/events.md) for the live log's JSON lines, GET /__admin/events
// and `control.events()`. Events are built from the signal bus; the ring of recent events (for Last-Event-ID
// resume) and the per-subscriber queues are bounded.
import type { Clock } from './clock.ts';
import { maskQuery, maskUrl, safeDecode } from './event-masks.ts';
import { createSubscriber, type Subscriber } from './event-queue.ts';
import type { JournalEntry } from './journal.ts';
import type { Delivery, DeliveryAttempt } from './provider/contract.ts';
import type { SignalBus, SimulatorSignals } from './signals.ts';

/** Levels of events, lowest first (the live log's levels). */
export type EventLevel = 'debug' | 'info' | 'warn';

type Base = {
  /** Monotonically increasing within one simulator (the SSE id). */
  id: number;
  /** Simulator clock, epoch ms. */
  time: number;
  level: EventLevel;
  provider: string | null;
  conversationId: string | null;
};

/** One event of the stream, by type (fields per type: docs/events.md). */
export type SimEvent = Base &
  (
    | {
        type: 'request';
        requestId: string;
        method: string;
        path: string;
        query: string;
        route: string | null;
        status: number;
        durationMs: number | null;
        fault: string | null;
        note: string | null;
      }
    | { type: 'delivery.created'; deliveryId: string; eventType: string; url: string }
    | {
        type: 'delivery.attempt';
        deliveryId: string;
        eventType: string;
        url: string;
        attempt: number;
        maxAttempts: number;
        status: number | null;
        ok: boolean;
        error: string | null;
        latencyMs: number;
      }
    | {
        type: 'delivery.settled';
        deliveryId: string;
        eventType: string;
        url: string;
        state: Delivery['state'];
        attempts: number;
        note: string | null;
      }
    | { type: 'conversation'; change: 'started' | 'updated' | 'ended' }
    | { type: 'action'; action: string }
    | {
        type: 'scenario.step';
        runId: string;
        scenario: string;
        index: number;
        verb: string;
        label: string;
        status: 'passed' | 'failed' | 'skipped';
        message: string | null;
      }
    | { type: 'fault'; faultId: string; method: string; path: string }
    | { type: 'clock'; now: number; byMs: number }
    | { type: 'reset' }
    | { type: 'dropped'; count: number }
  );

/** An event before it gets its id. */
type EventFields = SimEvent extends infer E ? (E extends SimEvent ? Omit<E, 'id'> : never) : never;

/** The event types. */
export type SimEventType = SimEvent['type'];

/** What a consumer asks for: one provider and/or one conversation (global events always pass). */
export type EventFilter = { provider?: string; conversationId?: string };

/** The source an event was built from (for the live log's debug bodies). */
export type EventSource =
  | { type: 'request'; entry: JournalEntry }
  | { type: 'delivery.attempt'; delivery: Delivery; attempt: DeliveryAttempt }
  | { type: 'action'; args: unknown }
  | { type: 'other' };

/** Limits of the event stream. */
export type EventLimits = {
  /** Recent events kept for Last-Event-ID resume (default 1,000). */
  ringSize: number;
  /** Events queued per subscriber before the oldest are dropped (default 1,000). */
  queueSize: number;
  /** Real milliseconds of silence after which GET /__admin/events sends a keep-alive comment (default 15 s; 0: never). */
  keepAliveMs: number;
};

/** A subscription: an async iterator of events; `close` ends it. */
export type EventSubscription = AsyncIterableIterator<SimEvent> & { close(): void };

/** The event hub of one simulator. */
export type EventHub = {
  /** Calls `listener` for each event of at least `minLevel`; nothing is built for events below it. */
  listen(minLevel: EventLevel, listener: (event: SimEvent, source: EventSource) => void): () => void;
  /**
   * Subscribes with a bounded queue; with `lastEventId`, first replays the ring's events after it. When the queue
   * overflows, the oldest queued events are dropped and a `dropped` event says how many.
   */
  subscribe(filter?: EventFilter, lastEventId?: number): EventSubscription;
  /** The id of the newest event (0 before any). */
  lastId(): number;
  close(): void;
};

const RANK: Record<EventLevel, number> = { debug: 0, info: 1, warn: 2 };

/** Creates the event hub of a simulator; it builds events only while someone listens or subscribed. */
export function createEventHub(
  signals: SignalBus,
  clock: Clock,
  limits: Partial<EventLimits> = {},
): EventHub {
  const ringSize = limits.ringSize ?? 1000;
  const queueSize = limits.queueSize ?? 1000;
  const ring: SimEvent[] = [];
  const listeners = new Set<{ rank: number; listener: (event: SimEvent, source: EventSource) => void }>();
  const subscribers = new Set<Subscriber>();
  // The ring records from the first subscription on, so that a consumer that reconnects can resume.
  let recording = false;
  let seq = 0;
  let minRank = Number.POSITIVE_INFINITY;
  let offs: (() => void)[] = [];
  // Open conversations per provider, to name the conversation of a request from its path.
  const open = new Map<string, Set<string>>();
  const started = new Map<string, string[]>();

  const wants = (level: EventLevel) => recording || RANK[level] >= minRank;
  const publish = (fields: EventFields, source: EventSource) => {
    const event = { id: ++seq, ...fields } as SimEvent;
    if (recording) {
      ring.push(event);
      if (ring.length > ringSize) ring.shift();
      for (const subscriber of subscribers) subscriber.push(event);
    }
    const rank = RANK[event.level];
    for (const entry of listeners) if (rank >= entry.rank) entry.listener(event, source);
  };
  const other: EventSource = { type: 'other' };

  const handlers: { [K in keyof SimulatorSignals]?: (payload: SimulatorSignals[K]) => void } = {
    request(entry) {
      const level = entry.status >= 400 || entry.status === 0 ? 'warn' : 'info';
      if (!wants(level)) {
        // The conversations this request started are named by this request or by none.
        if (entry.provider !== null) started.delete(entry.provider);
        return;
      }
      const conversationId = conversationOf(entry);
      publish(
        {
          type: 'request',
          time: entry.time,
          level,
          provider: entry.provider,
          conversationId,
          requestId: entry.id,
          method: entry.method,
          path: entry.path,
          query: entry.query === '' ? '' : maskQuery(entry.query),
          route: entry.route,
          status: entry.status,
          durationMs: entry.durationMs ?? null,
          fault: entry.fault,
          note: entry.note,
        },
        { type: 'request', entry },
      );
    },
    'delivery.created'(delivery) {
      if (!wants('debug')) return;
      publish(
        { type: 'delivery.created', ...deliveryFields(delivery), time: clock.now(), level: 'debug' },
        other,
      );
    },
    'delivery.attempt'({ delivery, attempt, maxAttempts }) {
      const level = attempt.ok ? 'info' : 'warn';
      if (!wants(level)) return;
      publish(
        {
          type: 'delivery.attempt',
          ...deliveryFields(delivery),
          url: maskUrl(attempt.url),
          time: attempt.time,
          level,
          // 1-based here (the delivery log counts attempts from 0), so that the last one is `maxAttempts`.
          attempt: attempt.attempt + 1,
          maxAttempts,
          status: attempt.status,
          ok: attempt.ok,
          error: attempt.error,
          latencyMs: attempt.latencyMs,
        },
        { type: 'delivery.attempt', delivery, attempt },
      );
    },
    'delivery.settled'(delivery) {
      const level = delivery.state === 'delivered' ? 'debug' : 'warn';
      if (!wants(level)) return;
      publish(
        {
          type: 'delivery.settled',
          ...deliveryFields(delivery),
          time: clock.now(),
          level,
          state: delivery.state,
          attempts: delivery.attempts.length,
          note: delivery.note ?? null,
        },
        other,
      );
    },
    conversation(signal) {
      const change =
        signal.type === 'conversation.started'
          ? 'started'
          : signal.type === 'conversation.ended'
            ? 'ended'
            : 'updated';
      trackConversation(signal.provider, signal.conversationId, change);
      const level = change === 'updated' ? 'debug' : 'info';
      if (!wants(level)) return;
      publish(
        {
          type: 'conversation',
          time: clock.now(),
          level,
          provider: signal.provider,
          conversationId: signal.conversationId,
          change,
        },
        other,
      );
    },
    action(action) {
      if (!wants('info')) return;
      publish(
        {
          type: 'action',
          time: action.time,
          level: 'info',
          provider: action.provider,
          conversationId: action.conversationId,
          action: action.action,
        },
        { type: 'action', args: action.args },
      );
    },
    'scenario.step'(step) {
      const level = step.status === 'failed' ? 'warn' : 'info';
      if (!wants(level)) return;
      publish({ type: 'scenario.step', time: clock.now(), level, ...step }, other);
    },
    'fault.applied'(fault) {
      if (!wants('warn')) return;
      publish(
        {
          type: 'fault',
          time: clock.now(),
          level: 'warn',
          provider: fault.provider,
          conversationId: null,
          faultId: fault.faultId,
          method: fault.method,
          path: fault.path,
        },
        other,
      );
    },
    clock({ now, byMs }) {
      if (!wants('info')) return;
      publish(
        { type: 'clock', time: now, level: 'info', provider: null, conversationId: null, now, byMs },
        other,
      );
    },
    reset() {
      open.clear();
      started.clear();
      if (!wants('info')) return;
      publish(
        { type: 'reset', time: clock.now(), level: 'info', provider: null, conversationId: null },
        other,
      );
    },
  };

  // The conversation of a request: a path segment naming an open conversation of its provider, else one that
  // the request itself started (its id appears in the answer).
  const conversationOf = (entry: JournalEntry): string | null => {
    if (entry.provider === null) return null;
    const fresh = started.get(entry.provider);
    started.delete(entry.provider);
    const ids = open.get(entry.provider);
    if (ids !== undefined && ids.size > 0) {
      for (const segment of entry.path.split('/')) {
        if (segment !== '' && ids.has(safeDecode(segment))) return safeDecode(segment);
      }
    }
    return fresh?.find((id) => entry.responseBody.includes(id)) ?? null;
  };
  const trackConversation = (provider: string, id: string, change: 'started' | 'updated' | 'ended') => {
    let ids = open.get(provider);
    if (!ids) {
      ids = new Set<string>();
      open.set(provider, ids);
    }
    if (change === 'ended') {
      ids.delete(id);
      return;
    }
    ids.add(id);
    if (change === 'updated') return;
    const list = started.get(provider);
    if (!list) started.set(provider, [id]);
    else if (list.length < 16) list.push(id);
  };

  const attach = () => {
    if (offs.length > 0) return;
    offs = Object.entries(handlers).map(([name, handler]) =>
      signals.on(name as keyof SimulatorSignals, handler as (payload: unknown) => void),
    );
  };
  const updateMinRank = () => {
    minRank = Math.min(Number.POSITIVE_INFINITY, ...[...listeners].map((l) => l.rank));
  };

  return {
    listen(minLevel, listener) {
      const entry = { rank: RANK[minLevel], listener };
      listeners.add(entry);
      updateMinRank();
      attach();
      return () => {
        listeners.delete(entry);
        updateMinRank();
      };
    },
    subscribe(filter = {}, lastEventId) {
      recording = true;
      attach();
      const subscriber = createSubscriber(filter, queueSize, () => subscribers.delete(subscriber));
      if (lastEventId !== undefined) {
        for (const event of ring) if (event.id > lastEventId) subscriber.push(event);
      }
      subscribers.add(subscriber);
      return subscriber.iterator;
    },
    lastId: () => seq,
    close() {
      for (const off of offs) off();
      offs = [];
      for (const subscriber of [...subscribers]) subscriber.iterator.close();
      listeners.clear();
    },
  };
}

function deliveryFields(delivery: Delivery) {
  return {
    provider: delivery.provider,
    conversationId: delivery.conversationId,
    deliveryId: delivery.id,
    eventType: delivery.type,
    url: maskUrl(delivery.url),
    // What a delivery fault did to it (docs/faults.md), when one did.
    ...(delivery.chaos ? { chaos: delivery.chaos } : {}),
  };
}
