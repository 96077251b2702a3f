import { performance } from 'node:perf_hooks';
import type { ActivityTracker } from './activity.ts';
import type { Clock } from './clock.ts';
import { createDeliveryChaos } from './delivery-chaos.ts';
import type { DeliveryFaultTable } from './delivery-faults.ts';
import {
  createDueHeap,
  createFifo,
  createRecentAverage,
  type DueHeap,
  type Fifo,
  type RecentAverage,
} from './delivery-queue.ts';
import { toEcho } from './echo.ts';
import { errorText } from './errors.ts';
import { describeSendError, isTimeout, type Sender } from './http-sender.ts';
import type {
  Delivery,
  DeliveryAttempt,
  SignInput,
  WebhookEvent,
  WebhookPolicy,
} from './provider/contract.ts';
import type { SignalBus } from './signals.ts';

export {
  createHttpSender,
  DEFAULT_MAX_RESPONSE_BYTES,
  type HttpSenderOptions,
  type OutboundRequest,
  type OutboundResponse,
  type PooledSender,
  type Sender,
} from './http-sender.ts';

/** What the dispatcher needs from a provider for one delivery. */
export type DeliveryPolicy = Pick<WebhookPolicy, 'retryDelaysMs' | 'timeoutMs'> & {
  sign?(input: SignInput): Promise<Record<string, string>> | Record<string, string>;
  onSettled?(delivery: Delivery): void;
};

/** Limits per destination (the origin of a webhook URL: scheme, host and port). */
export type DispatchLimits = {
  /** Attempts in flight at once per destination. */
  concurrency: number;
  /** Deliveries held per destination (waiting, retrying or in flight); past it a new delivery is dropped. */
  maxQueued: number;
  /** Deliveries held across all destinations; past it a new delivery is dropped. */
  maxQueuedTotal: number;
  /** A destination whose last attempts took this long on average is reported slow. */
  slowLatencyMs: number;
  /** A destination holding this many deliveries is reported slow (its queue grows faster than it drains). */
  slowQueued: number;
  /** Destinations with nothing held whose counters `stats()` keeps; the least recently used go first. */
  maxIdleDestinations: number;
};

/**
 * The default limits. A receiver answering in 500 ms gets 128 deliveries/s at concurrency 64. Concurrency bounds
 * what one destination gets while the event loop is busy: each attempt waits its turn behind the requests being
 * served (8x8 creates with signed webhooks to a loopback receiver, 2 cores: 16% of the RS256 bound delivered at 8,
 * 41% at 32 and 35-41% at 64, and at 50 connections 5% at 8, 26% at 32, 34% at 64).
 */
export const DEFAULT_DISPATCH_LIMITS: Readonly<DispatchLimits> = {
  concurrency: 64,
  maxQueued: 10_000,
  maxQueuedTotal: 100_000,
  slowLatencyMs: 1000,
  slowQueued: 1000,
  maxIdleDestinations: 1000,
};

/** Delivery counters and health of one destination, for the health answer and the delivery log. */
export type DestinationStats = {
  /** The URL origin, e.g. `http://127.0.0.1:4000`. */
  destination: string;
  /** Deliveries waiting: behind another of their conversation, for a free slot, or for their next retry. */
  queued: number;
  inFlight: number;
  /** Settled deliveries since start or reset. */
  delivered: number;
  failed: number;
  dropped: number;
  /** Mean latency of the last 20 attempts (a timeout counts as its deadline), or null before the first. */
  avgLatencyMs: number | null;
  slow: boolean;
  /** Why `slow` is true, in a sentence; null when it is not. */
  slowReason: string | null;
  /** The last failed attempt: its error, or `HTTP <status>`. */
  lastError: string | null;
  /** Simulator time of `lastError`. */
  lastErrorAt: number | null;
};

/** The webhook dispatcher shared by all providers. */
export type Dispatcher = {
  /** Queues an event; returns its delivery (settled 'dropped' at once when its destination is full). */
  enqueue(provider: string, event: WebhookEvent, eventId: string): Delivery;
  /** Sends an event once now and returns the attempt (recorded as a delivery without retries). */
  deliverNow(provider: string, event: WebhookEvent, eventId: string): Promise<DeliveryAttempt>;
  /** Re-queues deliveries left unsettled by a previous process; each is attempted again at once. */
  resume(): void;
  /** Forgets queues, counters and retry timers (reset). */
  clear(): void;
  /** Counters and health per destination, busiest and most recently used included. */
  stats(): DestinationStats[];
  /** The limits in force. */
  readonly limits: Readonly<DispatchLimits>;
  /** Delivery faults (docs/faults.md), applied to each new delivery; `clear` empties them. */
  readonly faults: DeliveryFaultTable;
};

/** Dependencies of the dispatcher. */
export type DispatcherDeps = {
  clock: Clock;
  send: Sender;
  activity: ActivityTracker;
  signals: SignalBus;
  /** Records a new delivery (the delivery log owns it from here); a dropped one arrives already settled. */
  record(delivery: Delivery): void;
  /** Deliveries left unsettled by a previous process, oldest first (for `resume`). */
  unsettled(): Iterable<Delivery>;
  nextDeliveryId(): string;
  /** The provider's policy; the default is used when the provider has none. */
  policyOf(provider: string): DeliveryPolicy;
  /** Called after every change to a delivery record. */
  changed(delivery: Delivery): void;
  /**
   * Resolves once the state changes made so far are in the store's log; rejects when they could not be written
   * and were undone (undefined when none waits). A delivery is sent only after the change that caused it.
   */
  durable?(): Promise<void> | undefined;
  /** Limits per destination; missing ones take `DEFAULT_DISPATCH_LIMITS`. */
  limits?: Partial<DispatchLimits>;
  /** Where the dispatcher reports slow or overflowing destinations and failing hooks (default: nowhere). */
  log?(level: 'info' | 'warn' | 'error', message: string, data?: unknown): void;
};

/** Serializes an event body: strings are sent as is, anything else as JSON. */
export function toBodyText(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** Characters of an answer body kept in a delivery attempt. */
const RESPONSE_BODY_KEPT = 4096;
/** Attempts the latency mean of a destination is taken over. */
const LATENCY_WINDOW = 20;

type SettledState = 'delivered' | 'failed' | 'dropped';

/** Everything the dispatcher holds for one destination. */
type Destination = {
  key: string;
  /** Per order key (conversation), its deliveries oldest first; the head is the one being worked on. */
  lanes: Map<string, Delivery[]>;
  /** Order keys whose head may be attempted now, in the order they became ready. */
  ready: Fifo<string>;
  /** Order keys whose head waits for a retry, by due time: one timer per destination, not per conversation. */
  retries: DueHeap<string>;
  timer: { cancel(): void } | null;
  timerDue: number;
  held: number;
  inFlight: number;
  delivered: number;
  failed: number;
  dropped: number;
  latency: RecentAverage;
  lastError: string | null;
  lastErrorAt: number | null;
  slowReason: string | null;
  overflowing: boolean;
};

/**
 * Creates the dispatcher. Deliveries with the same order key to the same destination go one at a time, in order;
 * each destination has at most `concurrency` attempts in flight and holds at most `maxQueued` deliveries.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const limits = toLimits(deps.limits);
  const log = deps.log ?? (() => {});
  const destinations = new Map<string, Destination>();
  // Destinations holding nothing, least recently used first: their counters are kept for stats(), up to a limit.
  const idle = new Map<string, Destination>();
  let totalHeld = 0;
  let generation = 0;

  const destinationOf = (url: string): Destination => {
    const key = toDestinationKey(url);
    const known = destinations.get(key);
    if (known) {
      idle.delete(key);
      return known;
    }
    const created: Destination = {
      key,
      lanes: new Map(),
      ready: createFifo(),
      retries: createDueHeap(),
      timer: null,
      timerDue: 0,
      held: 0,
      inFlight: 0,
      delivered: 0,
      failed: 0,
      dropped: 0,
      latency: createRecentAverage(LATENCY_WINDOW),
      lastError: null,
      lastErrorAt: null,
      slowReason: null,
      overflowing: false,
    };
    destinations.set(key, created);
    return created;
  };

  const releaseIfIdle = (dest: Destination) => {
    if (dest.held > 0 || dest.timer || destinations.get(dest.key) !== dest) return;
    idle.delete(dest.key);
    idle.set(dest.key, dest);
    while (idle.size > limits.maxIdleDestinations) {
      const oldest = idle.keys().next().value as string;
      idle.delete(oldest);
      destinations.delete(oldest);
    }
  };

  const updateSlow = (dest: Destination) => {
    const mean = dest.latency.mean();
    const reason =
      mean !== null && mean >= limits.slowLatencyMs
        ? `its last attempts took ${Math.round(mean)} ms on average (threshold ${limits.slowLatencyMs} ms)`
        : dest.held >= limits.slowQueued
          ? `${dest.held} deliveries are held for it, waiting or in flight (threshold ${limits.slowQueued})`
          : null;
    if ((reason === null) === (dest.slowReason === null)) {
      dest.slowReason = reason;
      return;
    }
    dest.slowReason = reason;
    if (reason) log('warn', `webhook destination ${toEcho(dest.key)} is slow: ${reason}`);
    else log('info', `webhook destination ${toEcho(dest.key)} is no longer slow`);
  };

  const observe = (dest: Destination, attempt: DeliveryAttempt) => {
    dest.latency.add(attempt.latencyMs);
    if (!attempt.ok) {
      dest.lastError = attempt.error ?? `HTTP ${attempt.status}`;
      dest.lastErrorAt = attempt.time;
    }
    updateSlow(dest);
  };

  const runHook = (policy: DeliveryPolicy, delivery: Delivery) => {
    try {
      policy.onSettled?.(delivery);
    } catch (error) {
      log('error', `${delivery.provider}: the settled hook of delivery ${delivery.id} failed`, error);
    }
  };

  const count = (dest: Destination, state: SettledState) => {
    if (state === 'delivered') dest.delivered++;
    else if (state === 'failed') dest.failed++;
    else dest.dropped++;
  };

  const settle = (dest: Destination, delivery: Delivery, state: SettledState, policy: DeliveryPolicy) => {
    delivery.state = state;
    count(dest, state);
    deps.changed(delivery);
    deps.signals.emit('delivery.settled', delivery);
    runHook(policy, delivery);
  };

  const dropNote = (dest: Destination) =>
    dest.held >= limits.maxQueued
      ? `dropped: ${dest.held} deliveries were already held for ${dest.key} (limit maxQueued ${limits.maxQueued}); the receiver is down or slower than events arrive`
      : `dropped: ${totalHeld} deliveries were already held for all destinations (limit maxQueuedTotal ${limits.maxQueuedTotal})`;

  const isFull = (dest: Destination) => dest.held >= limits.maxQueued || totalHeld >= limits.maxQueuedTotal;

  const noteOverflow = (dest: Destination, note: string) => {
    if (dest.overflowing) return;
    dest.overflowing = true;
    log('warn', `webhook destination ${toEcho(dest.key)} overflows, deliveries are dropped: ${note}`);
  };

  // The pending store write of the change that caused each new delivery (see `durable`).
  const causes = new WeakMap<Delivery, Promise<void>>();

  const attemptOnce = async (
    delivery: Delivery,
    event: WebhookEvent,
    policy: DeliveryPolicy,
  ): Promise<DeliveryAttempt> => {
    const gen = generation;
    const attemptNo = delivery.attempts.length;
    const time = deps.clock.now();
    const started = performance.now();
    let headers: Record<string, string> = {
      'content-type': event.contentType ?? 'application/json',
      ...event.headers,
    };
    let status: number | null = null;
    let error: string | null = null;
    let responseBody: string | null = null;
    // Not sent before the change that caused it is on disk, nor ever when that change was undone.
    const causeWritten = causes.get(delivery);
    if (causeWritten) {
      error = await causeWritten.then(
        () => {
          causes.delete(delivery);
          return null;
        },
        () => 'not sent: the state change that caused it could not be written to the store, and was undone',
      );
    }
    if (error === null) {
      try {
        const input = { eventId: delivery.eventId, event, body: delivery.body, attempt: attemptNo, time };
        const signed = await chaos.sign(delivery, input, policy.sign);
        headers = { ...headers, ...signed };
      } catch (cause) {
        error = `signing failed: ${describeSendError(cause)}`;
      }
    }
    if (error === null) {
      try {
        const response = await deps.send({
          url: delivery.url,
          method: 'POST',
          headers,
          body: delivery.body,
          timeoutMs: policy.timeoutMs,
        });
        status = response.status;
        responseBody = keepResponseBody(response.body, response.truncated === true);
        if (status >= 300 && status < 400) {
          error = `redirect not followed${response.location === undefined ? '' : ` (Location: ${toEcho(response.location)})`}`;
        }
      } catch (cause) {
        error = isTimeout(cause)
          ? `timeout after ${policy.timeoutMs} ms${typeof cause.status === 'number' ? ` (status ${cause.status} received, answer body incomplete)` : ''}`
          : describeSendError(cause);
      }
    }
    const attempt: DeliveryAttempt = {
      attempt: attemptNo,
      time,
      url: delivery.url,
      headers,
      body: delivery.body,
      status,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      error,
      responseBody,
      ok: status !== null && status >= 200 && status < 300,
    };
    // An attempt that ends after clear() (reset or close) is not recorded: the delivery stays unsettled in the
    // log and is sent again at the next start, so it is delivered at least once, never lost.
    if (gen !== generation) return attempt;
    delivery.attempts.push(attempt);
    deps.changed(delivery);
    deps.signals.emit('delivery.attempt', {
      delivery,
      attempt,
      maxAttempts: policy.retryDelaysMs.length + 1,
    });
    return attempt;
  };

  const eventOf = (delivery: Delivery): WebhookEvent => (delivery.meta.event as WebhookEvent) ?? delivery;

  const laneKey = (delivery: Delivery) => delivery.orderKey ?? `delivery:${delivery.id}`;

  // The head of `key` is done: the next delivery of that conversation becomes ready.
  const advanceLane = (dest: Destination, key: string) => {
    const lane = dest.lanes.get(key);
    lane?.shift();
    if (!lane || lane.length === 0) dest.lanes.delete(key);
    else dest.ready.push(key);
  };

  const drain = (dest: Destination) => {
    while (dest.inFlight < limits.concurrency) {
      const key = dest.ready.shift();
      if (key === undefined) return;
      const head = dest.lanes.get(key)?.[0];
      if (head) void attemptHead(dest, key, head, generation);
    }
  };

  const armTimer = (dest: Destination) => {
    const due = dest.retries.peekDue();
    if (due === undefined) {
      dest.timer?.cancel();
      dest.timer = null;
      return;
    }
    if (dest.timer && dest.timerDue <= due) return;
    dest.timer?.cancel();
    const gen = generation;
    dest.timerDue = due;
    dest.timer = deps.activity.schedule(Math.max(0, due - deps.clock.now()), () => {
      if (gen !== generation) return;
      dest.timer = null;
      const now = deps.clock.now();
      for (
        let next = dest.retries.peekDue();
        next !== undefined && next <= now;
        next = dest.retries.peekDue()
      ) {
        dest.ready.push(dest.retries.pop()!);
      }
      drain(dest);
      armTimer(dest);
      releaseIfIdle(dest);
    });
  };

  const attemptHead = async (dest: Destination, key: string, delivery: Delivery, gen: number) => {
    const end = deps.activity.begin();
    dest.inFlight++;
    delivery.state = 'in-flight';
    try {
      const policy = deps.policyOf(delivery.provider);
      const attempt = await attemptOnce(delivery, eventOf(delivery), policy);
      if (gen !== generation) return;
      dest.inFlight--;
      observe(dest, attempt);
      const retriesUsed = delivery.attempts.length - 1;
      if (attempt.ok || retriesUsed >= policy.retryDelaysMs.length) {
        dest.held--;
        totalHeld--;
        advanceLane(dest, key);
        if (!attempt.ok) delivery.note = exhaustedNote(delivery);
        settle(dest, delivery, attempt.ok ? 'delivered' : 'failed', policy);
        return;
      }
      delivery.state = 'retrying';
      dest.retries.push(deps.clock.now() + (policy.retryDelaysMs[retriesUsed] ?? 0), key);
      armTimer(dest);
      deps.changed(delivery);
    } catch (error) {
      // Only a failing delivery log (record/changed) or policy lookup gets here: the delivery ends failed, said
      // why, and its conversation moves on.
      log('error', `webhook delivery ${delivery.id} could not be processed`, error);
      if (gen !== generation || delivery.state !== 'in-flight') return;
      dest.inFlight--;
      dest.held--;
      totalHeld--;
      advanceLane(dest, key);
      delivery.state = 'failed';
      delivery.note = `failed: the dispatcher could not process it (${describeSendError(error)})`;
      count(dest, 'failed');
      try {
        deps.changed(delivery);
      } catch {
        // Already logged above: the log that failed once is failing still.
      }
      deps.signals.emit('delivery.settled', delivery);
    } finally {
      if (gen === generation) {
        drain(dest);
        releaseIfIdle(dest);
      }
      end();
    }
  };

  // Takes a delivery into its destination's queue; false when the destination (or all of them) is full.
  const admit = (delivery: Delivery): boolean => {
    const dest = destinationOf(delivery.url);
    if (isFull(dest)) return false;
    dest.held++;
    totalHeld++;
    if (dest.overflowing && dest.held <= limits.maxQueued / 2) {
      dest.overflowing = false;
      log('info', `webhook destination ${toEcho(dest.key)} accepts deliveries again`);
    }
    const key = laneKey(delivery);
    const lane = dest.lanes.get(key);
    delivery.state = 'queued';
    if (lane) {
      lane.push(delivery);
    } else {
      dest.lanes.set(key, [delivery]);
      dest.ready.push(key);
    }
    updateSlow(dest);
    drain(dest);
    return true;
  };

  const build = (provider: string, event: WebhookEvent, eventId: string): Delivery => ({
    id: deps.nextDeliveryId(),
    eventId,
    provider,
    type: event.type,
    url: event.url,
    conversationId: event.conversationId ?? null,
    orderKey: event.orderKey ?? event.conversationId ?? null,
    state: 'queued',
    createdAt: deps.clock.now(),
    body: toBodyText(event.body),
    attempts: [],
    meta: { ...event.meta, event: { ...event, body: undefined } },
  });

  const announce = (delivery: Delivery) => {
    const cause = deps.durable?.();
    if (cause) causes.set(delivery, cause);
    deps.record(delivery);
    deps.signals.emit('delivery.created', delivery);
  };

  // Settles a delivery the destination has no room for. The provider's hook runs after the current task: a
  // provider may emit from inside its own state change, and the hook may change state too.
  const drop = (delivery: Delivery, recorded: boolean) => {
    const dest = destinationOf(delivery.url);
    const note = dropNote(dest);
    delivery.state = 'dropped';
    delivery.note = note;
    count(dest, 'dropped');
    noteOverflow(dest, note);
    updateSlow(dest);
    if (recorded) deps.changed(delivery);
    else announce(delivery);
    deps.signals.emit('delivery.settled', delivery);
    const policy = deps.policyOf(delivery.provider);
    if (policy.onSettled) {
      const end = deps.activity.begin();
      queueMicrotask(() => {
        runHook(policy, delivery);
        end();
      });
    }
    releaseIfIdle(dest);
  };

  const chaos = createDeliveryChaos(
    {
      activity: deps.activity,
      nextDeliveryId: deps.nextDeliveryId,
      announce,
      admit: (delivery) => void (admit(delivery) || drop(delivery, true)),
      discard(delivery) {
        const dest = destinationOf(delivery.url);
        count(dest, 'dropped');
        deps.signals.emit('delivery.settled', delivery);
        releaseIfIdle(dest);
      },
    },
    deps.clock,
  );

  return {
    limits,
    faults: chaos.table,
    enqueue(provider, event, eventId) {
      const delivery = build(provider, event, eventId);
      if (chaos.take(delivery)) return delivery;
      if (isFull(destinationOf(delivery.url))) {
        drop(delivery, false);
        return delivery;
      }
      announce(delivery);
      admit(delivery);
      return delivery;
    },
    async deliverNow(provider, event, eventId) {
      const delivery = build(provider, event, eventId);
      announce(delivery);
      const end = deps.activity.begin();
      try {
        const policy = deps.policyOf(provider);
        const attempt = await attemptOnce(delivery, { ...event }, policy);
        if (delivery.attempts.length > 0) {
          const dest = destinationOf(delivery.url);
          observe(dest, attempt);
          settle(dest, delivery, attempt.ok ? 'delivered' : 'failed', { ...policy, onSettled: undefined });
          releaseIfIdle(dest);
        }
        return attempt;
      } finally {
        end();
      }
    },
    resume() {
      for (const delivery of deps.unsettled()) {
        if (isSettled(delivery.state)) continue;
        const policy = deps.policyOf(delivery.provider);
        const last = delivery.attempts.at(-1);
        const retriesUsed = delivery.attempts.length - 1;
        // The process may have stopped between recording an attempt and settling its delivery.
        if (last && (last.ok || retriesUsed >= policy.retryDelaysMs.length)) {
          const dest = destinationOf(delivery.url);
          if (!last.ok) delivery.note = exhaustedNote(delivery);
          settle(dest, delivery, last.ok ? 'delivered' : 'failed', policy);
          releaseIfIdle(dest);
          continue;
        }
        // Sent again at once, whatever its retry was due at: the pause of the restart stands for the delay.
        if (!admit(delivery)) drop(delivery, true);
      }
    },
    clear() {
      generation++;
      chaos.clear();
      for (const dest of destinations.values()) dest.timer?.cancel();
      destinations.clear();
      idle.clear();
      totalHeld = 0;
    },
    stats() {
      return [...destinations.values()].map((dest) => {
        const mean = dest.latency.mean();
        return {
          destination: dest.key,
          queued: dest.held - dest.inFlight,
          inFlight: dest.inFlight,
          delivered: dest.delivered,
          failed: dest.failed,
          dropped: dest.dropped,
          avgLatencyMs: mean === null ? null : Math.round(mean * 100) / 100,
          slow: dest.slowReason !== null,
          slowReason: dest.slowReason,
          lastError: dest.lastError,
          lastErrorAt: dest.lastErrorAt,
        };
      });
    },
  };
}

function isSettled(state: Delivery['state']): state is SettledState {
  return state === 'delivered' || state === 'failed' || state === 'dropped';
}

/** The destination of a webhook URL: its origin, or the URL itself when it has none (it will fail to send). */
// Webhook URLs repeat (one per subscription): each is parsed once, in a bounded memo.
const destinationKeys = new Map<string, string>();

function toDestinationKey(url: string): string {
  const known = destinationKeys.get(url);
  if (known !== undefined) return known;
  let key: string;
  try {
    const { origin } = new URL(url);
    key = origin === 'null' ? url : origin;
  } catch {
    key = 'invalid URL';
  }
  if (destinationKeys.size >= 1_000) destinationKeys.clear();
  destinationKeys.set(url, key);
  return key;
}

function exhaustedNote(delivery: Delivery): string {
  const n = delivery.attempts.length;
  return `failed after ${n} attempt${n === 1 ? '' : 's'}: the provider's retry schedule is exhausted`;
}

function keepResponseBody(body: string, truncated: boolean): string {
  if (truncated)
    return `${body.slice(0, RESPONSE_BODY_KEPT)}…(answer body cut: longer than the sender reads)`;
  if (body.length <= RESPONSE_BODY_KEPT) return body;
  return `${body.slice(0, RESPONSE_BODY_KEPT)}…(+${body.length - RESPONSE_BODY_KEPT} chars)`;
}

function toLimits(overrides: Partial<DispatchLimits> = {}): Readonly<DispatchLimits> {
  const limits = { ...DEFAULT_DISPATCH_LIMITS };
  for (const name of Object.keys(DEFAULT_DISPATCH_LIMITS) as (keyof DispatchLimits)[]) {
    const value = overrides[name];
    if (value === undefined) continue;
    const integer = name !== 'slowLatencyMs';
    if (!(value >= (integer ? 1 : 0)) || (integer && !Number.isSafeInteger(value))) {
      throw new Error(
        `Invalid webhook dispatch limit ${name}: ${errorText(value)}. Please use a ${integer ? 'positive integer' : 'non-negative number'}.`,
      );
    }
    limits[name] = value;
  }
  return limits;
}
