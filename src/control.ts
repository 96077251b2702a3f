import { z } from 'zod';
import type { ActivityTracker } from './activity.ts';
import { type Clock, isValidTime, MAX_TIME, toIsoTime, type VirtualClock } from './clock.ts';
import {
  describeMatch,
  describeSignal,
  describeSince,
  type Mark,
  mergeScope,
  toDeliveryScope,
  toMatcher,
  toRequestScope,
  toWaitMs,
  withoutBody,
} from './control-waits.ts';
import { type DeliveryFault, type DeliveryFaultSpec, deliveryFaultSpecSchema } from './delivery-faults.ts';
import { type DeliveryKeys, type DeliveryLog, toDeliverySeq } from './delivery-log.ts';
import type { DestinationStats, Dispatcher, DispatchLimits } from './dispatcher.ts';
import { parseDuration } from './duration.ts';
import { toEcho } from './echo.ts';
import { BusyError, ControlError } from './errors.ts';
import type { EventFilter, EventHub, EventSubscription } from './events.ts';
import type { Fault, FaultSpec, FaultTable } from './faults.ts';
import {
  isPartialMatch,
  type Journal,
  type JournalEntry,
  type RequestFilter,
  type RequestMatch,
  toBodyValue,
  toRequestMatcher,
  toRequestPredicate,
  type WindowStats,
} from './journal.ts';
import { type OperationDoc, toJsonSchema } from './openapi.ts';
import { getOwn, isRecord } from './own.ts';
import {
  type AnyProvider,
  type ConversationSummary,
  type Delivery,
  isSettled,
  type ProviderContext,
} from './provider/contract.ts';
import { resolveActions, runAdminOperation } from './provider-operations.ts';
import type { SignalBus } from './signals.ts';
import type { Store, StoreStatus } from './store.ts';

/** A filter of recorded deliveries. */
export const deliveryFilterSchema = z
  .object({
    provider: z.string().optional(),
    type: z.string().optional(),
    conversationId: z.string().optional(),
    url: z.string().optional(),
    state: z
      .enum(['queued', 'in-flight', 'retrying', 'delivered', 'failed', 'dropped', 'settled'])
      .optional(),
    after: z.coerce
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe(
        "only deliveries created after this position (a delivery id's number, or a mark's deliverySeq)",
      ),
    /** At most this many, the newest. */
    limit: z.coerce.number().int().positive().optional(),
  })
  .strict();

/** A delivery filter with a body matcher, as the admin API takes it (JSON: the body is a partial object). */
export const deliveryMatchSchema = deliveryFilterSchema.extend({
  body: z.unknown().optional().describe('a partial deep match of the parsed delivery body'),
});

/**
 * A filter of recorded deliveries with a body matcher (a partial object, or in-process a predicate of the parsed
 * body: see `BodyMatch`), or a predicate of the delivery.
 */
export type DeliveryMatch = z.input<typeof deliveryMatchSchema> | ((delivery: Delivery) => boolean);

/**
 * How long `idle` and the `wait*` functions wait by default (ms of real time): below vitest's default 5 s test
 * timeout, so that a wait's own explanation (what it awaited, what it saw instead) fails the test.
 */
export const DEFAULT_WAIT_MS = 4000;

/** The longest settle window `idle` takes (ms). */
export const MAX_SETTLE_MS = 60_000;

export { type Mark, markSchema } from './control-waits.ts';

/** A page of the cross-provider conversation listing. */
export const conversationFilterSchema = z
  .object({
    provider: z.string().optional(),
    status: z.string().optional(),
    limit: z.coerce.number().int().positive().max(100_000).default(1000),
    /** The cursor: `<provider>:<id>` of the last conversation of the previous page. */
    after: z.string().optional(),
  })
  .strict();

/** A filter and page of the conversation listing. */
export type ConversationFilter = z.input<typeof conversationFilterSchema>;

/** Options of the `wait*` functions. */
export type WaitOptions = {
  /** Give up after this many ms of real time (default `DEFAULT_WAIT_MS`, 4 s), saying what was seen instead. */
  timeoutMs?: number;
  /**
   * Only what came after this mark (`control.mark()`: requests and deliveries recorded later), or, as a number,
   * at or after this clock time (epoch ms; on a virtual clock many requests share one time: prefer a mark).
   */
  since?: Mark | number;
};

/** Options of `idle`. */
export type IdleOptions = {
  /** Give up after this many ms of real time (default `DEFAULT_WAIT_MS`, 4 s), saying what was still busy. */
  timeoutMs?: number;
  /**
   * Also wait for the system under test: resolve only once the simulator has been idle, with no inbound request
   * in flight, and no inbound request arrived nor delivery created, for this many ms of real time (default 0:
   * the simulator's own work only). See docs/admin-api.md, "Waiting".
   */
  settleMs?: number;
};

/** The state of the simulator as `health` reports it. */
export type Health = {
  status: 'ok';
  ready: boolean;
  providers: { name: string; title: string; basePaths: readonly string[] }[];
  clock: { kind: 'real' | 'virtual'; now: string };
  seed: number;
  store: string;
  pending: { running: number; timers: number };
  /** The store's files: whether writes succeed, log size, snapshots. */
  storage: StoreStatus;
  /** How much of the request journal and the delivery log is held in memory, and how much was evicted. */
  journal: WindowStats;
  deliveries: WindowStats & { pending: number };
  /** Webhook destinations: queued and in-flight deliveries, outcomes, latency, and whether they are slow. */
  webhooks: { limits: Readonly<DispatchLimits>; destinations: DestinationStats[] };
};

/** An agent or customer action on a conversation. */
export type ActRequest = { provider: string; conversationId: string; action: string; args?: unknown };

/** The control functions: the admin HTTP API and the library API are both this object. */
export type Control = {
  health(): Health;
  reset(): Promise<void>;
  requests(filter?: RequestFilter): JournalEntry[];
  /** The current positions of the journal and the delivery log, and the time: a `since` for the waits. */
  mark(): Mark;
  countRequests(filter?: RequestFilter): number;
  clearRequests(): void;
  deliveries(filter?: DeliveryMatch): Delivery[];
  /**
   * Conversations across providers, in provider order then each provider's own; `limit` (default 1,000) and
   * `after` (the `<provider>:<id>` of the previous page's last one) page it.
   */
  conversations(filter?: ConversationFilter): ConversationSummary[];
  /**
   * A deep copy of one provider's state (for debugging, snapshots and tests), or of only its top-level `keys` (a
   * copy of a large store's whole state costs time and memory in proportion to it).
   */
  state(provider: string, keys?: readonly string[]): unknown;
  actions(provider?: string): { provider: string; action: string; description: string }[];
  act(request: ActRequest): Promise<unknown>;
  /**
   * The providers' admin operations: method and path (under /__admin/providers/<provider>), description, success
   * status, and the JSON Schema of their arguments.
   */
  operations(provider?: string): OperationDoc[];
  /** Runs one of a provider's admin operations (as its /__admin/providers/<provider>/... route does). */
  admin(provider: string, operation: string, args?: unknown): Promise<unknown>;
  now(): number;
  advance(by: number | string): Promise<{ now: number }>;
  addFault(spec: FaultSpec): Fault;
  faults(): Fault[];
  removeFault(id: string): void;
  clearFaults(): void;
  /** Adds a delivery fault (docs/faults.md): what to do to the next matching webhook deliveries. */
  addDeliveryFault(spec: DeliveryFaultSpec): DeliveryFault;
  deliveryFaults(): DeliveryFault[];
  removeDeliveryFault(id: string): void;
  clearDeliveryFaults(): void;
  /**
   * Resolves once nothing is in progress: no webhook attempt in flight or queued, no action or scenario task
   * running, and on a real clock no timer pending (on a virtual clock timers wait for `advance`). With `settleMs`,
   * also no inbound request in flight, and none arrived nor any delivery created for `settleMs` of real time.
   */
  idle(options?: IdleOptions): Promise<void>;
  /**
   * The oldest delivery matching (filter, body, or predicate; `since` a mark or time) once it has had an attempt
   * (or is in the state asked for); waits for it, else fails after the timeout with the deliveries seen.
   */
  waitForDelivery(match: DeliveryMatch, options?: WaitOptions): Promise<Delivery>;
  /**
   * The oldest journaled request matching (filter, body, or predicate; `since` a mark or time); waits for it,
   * else fails after the timeout with the requests seen instead.
   */
  waitForRequest(match: RequestMatch, options?: WaitOptions): Promise<JournalEntry>;
  /**
   * The event stream (docs/events.md) as an async iterator, from now on, or after event `lastEventId` while the
   * ring of recent events still holds it. Bounded: a slow consumer gets a `dropped` event instead of the oldest.
   */
  events(filter?: EventFilter, options?: { lastEventId?: number }): EventSubscription;
};

/** A delivery filter without a body matcher (what a listing takes over HTTP). */
export type DeliveryFilter = z.input<typeof deliveryFilterSchema>;

/** A request match as data: a journal filter and a partial body (no predicates: they cannot cross HTTP). */
export type RequestMatchData = RequestFilter & { body?: unknown };

/** A delivery match as data: a delivery filter and a partial body. */
export type DeliveryMatchData = DeliveryFilter & { body?: unknown };

/** An event subscription over HTTP: `opened` resolves once the server has subscribed (no event is missed after). */
export type RemoteEventSubscription = EventSubscription & { opened: Promise<void> };

/**
 * `Control` over HTTP (`createClient(url)`): every function of `Control`, answering a promise, with matchers as data.
 * Derived from `Control`, so a function added there is missing here until the client implements it.
 */
export type RemoteControl = Omit<
  { [K in keyof Control]: (...args: Parameters<Control[K]>) => Promise<Awaited<ReturnType<Control[K]>>> },
  'deliveries' | 'waitForDelivery' | 'waitForRequest' | 'events'
> & {
  deliveries(filter?: DeliveryFilter): Promise<Delivery[]>;
  waitForDelivery(match: DeliveryMatchData, options?: WaitOptions): Promise<Delivery>;
  waitForRequest(match: RequestMatchData, options?: WaitOptions): Promise<JournalEntry>;
  events(filter?: EventFilter, options?: { lastEventId?: number }): RemoteEventSubscription;
};

/**
 * The control API both `sim.control` (in-process) and `createClient(url)` (over HTTP) implement: each function may
 * answer a value or a promise (await it), matchers are data. Tests written against it run against either.
 */
export type ControlApi = {
  [K in Exclude<keyof RemoteControl, 'events'>]: RemoteControl[K] extends (...args: infer A) => infer R
    ? (...args: A) => R | Awaited<R>
    : never;
} & { events(filter?: EventFilter, options?: { lastEventId?: number }): EventSubscription };

/** What the control functions need from the simulator. */
export type ControlDeps = {
  providers: readonly AnyProvider[];
  contextOf(name: string): ProviderContext<unknown, unknown>;
  store: Store;
  journal: Journal;
  deliveryLog: DeliveryLog;
  dispatcher: Pick<Dispatcher, 'stats' | 'limits' | 'faults'>;
  clock: Clock;
  activity: ActivityTracker;
  signals: SignalBus;
  faults: FaultTable;
  events: EventHub;
  seed: number;
  reset(): Promise<void>;
};

/** Turns a delivery match (filter and body, or a predicate) into a predicate. */
export function toDeliveryPredicate(match: DeliveryMatch = {}): (delivery: Delivery) => boolean {
  if (typeof match === 'function') return match;
  const { body, ...f } = deliveryMatchSchema.parse(match);
  return (d) =>
    (f.provider === undefined || d.provider === f.provider) &&
    (f.type === undefined || d.type === f.type) &&
    (f.conversationId === undefined || d.conversationId === f.conversationId) &&
    (f.url === undefined || d.url === f.url) &&
    (f.state === undefined || (f.state === 'settled' ? isSettled(d) : d.state === f.state)) &&
    (f.after === undefined || toDeliverySeq(d.id) > f.after) &&
    (body === undefined || isPartialMatch(body, toDeliveryBody(d)));
}

/** A delivery's body as a value (JSON parsed, a form as its fields, else the text). */
export function toDeliveryBody(delivery: Delivery): unknown {
  return toBodyValue(delivery.body, delivery.attempts[0]?.headers['content-type'] ?? '');
}

/** Creates the control functions. */
export function createControl(deps: ControlDeps): Control {
  const { store, journal, deliveryLog, clock, activity, signals, faults } = deps;
  // Deliveries matching a filter, found through the log's indexes (the window only).
  const findDeliveries = (match: DeliveryMatch = {}): Delivery[] => {
    const predicate = toDeliveryPredicate(match);
    const keys: DeliveryKeys = typeof match === 'function' ? {} : match;
    return deliveryLog
      .candidates({
        provider: keys.provider,
        type: keys.type,
        conversationId: keys.conversationId,
        url: keys.url,
      })
      .filter(predicate);
  };
  // Resolved once: a provider that redefines a neutral verb is refused when the simulator is assembled.
  const actionTables = new Map(deps.providers.map((p) => [p.name, resolveActions(p)]));
  const actionsOf = (name: string) => actionTables.get(name) ?? {};
  const providerOf = (name: string) => {
    const provider = deps.providers.find((p) => p.name === name);
    if (!provider) {
      throw new ControlError(
        404,
        `Unknown provider ${toEcho(name, 60)}. Providers: ${deps.providers.map((p) => p.name).join(', ')}.`,
      );
    }
    return provider;
  };

  // Described once: providers and their operations are fixed when the simulator is assembled.
  let operationDocs: OperationDoc[] | undefined;
  // Inbound requests in flight: the pipeline announces each arrival (`request.started`) and answer (`request`).
  let inFlight = 0;
  signals.on('request.started', () => {
    inFlight++;
  });
  signals.on('request', () => {
    if (inFlight > 0) inFlight--;
  });

  // Resolves with the first hit: of `find` now, else of `check` on each later signal; a 408 after the timeout.
  const waitFor = <T>(
    find: () => T | undefined,
    listen: (check: (candidate: T) => void) => (() => void)[],
    timeoutMs: number,
    describe: () => string,
  ): Promise<T> => {
    const timeout = toWaitMs(timeoutMs);
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const offs = listen((hit) => {
        done();
        resolve(hit);
      });
      const timer = setTimeout(() => {
        done();
        reject(new ControlError(408, describe()));
      }, timeout);
      const done = () => {
        clearTimeout(timer);
        for (const off of offs) off();
      };
    });
  };

  // The next of `names` within `ms` of real time, described; null when none came.
  const nextSignal = (
    names: ('request.started' | 'request' | 'delivery.created' | 'activity')[],
    ms: number,
  ) =>
    new Promise<string | null>((resolve) => {
      const finish = (what: string | null) => {
        clearTimeout(timer);
        for (const off of offs) off();
        resolve(what);
      };
      const timer = setTimeout(() => finish(null), Math.max(0, ms));
      const offs = names.map((name) =>
        signals.on(name, (payload: unknown) => finish(describeSignal(name, payload))),
      );
    });

  const virtualHint = () =>
    clock.kind === 'virtual' ? ' The clock is virtual: advance it if what you wait for is scheduled.' : '';

  const control: Control = {
    health: () => ({
      status: 'ok',
      ready: true,
      providers: deps.providers.map((p) => ({ name: p.name, title: p.title, basePaths: p.basePaths })),
      clock: { kind: clock.kind, now: toIsoTime(clock.now()) },
      seed: deps.seed,
      store: store.location,
      pending: activity.counts(),
      storage: store.status(),
      journal: journal.stats(),
      deliveries: deliveryLog.stats(),
      webhooks: { limits: deps.dispatcher.limits, destinations: deps.dispatcher.stats() },
    }),
    async reset() {
      await deps.reset();
      signals.emit('reset', undefined);
    },
    requests: (filter = {}) => journal.select(filter),
    countRequests: (filter = {}) => journal.count(filter),
    clearRequests: () => journal.clear(),
    deliveries(match) {
      const found = findDeliveries(match);
      const limit = typeof match === 'object' && match.limit !== undefined ? Number(match.limit) : undefined;
      return limit === undefined ? found : found.slice(-limit);
    },
    conversations(filter = {}) {
      const parsed = conversationFilterSchema.safeParse(filter);
      if (!parsed.success) throw new ControlError(400, `Invalid filter: ${z.prettifyError(parsed.error)}`);
      const { provider, status, limit, after } = parsed.data;
      const cut = after === undefined ? -1 : after.indexOf(':');
      const afterProvider = cut < 0 ? null : after!.slice(0, cut);
      let started = afterProvider === null;
      const page: ConversationSummary[] = [];
      for (const p of deps.providers) {
        if (provider !== undefined && p.name !== provider) continue;
        let from = !started && p.name === afterProvider ? after!.slice(cut + 1) : null;
        if (!started && from === null) continue;
        started = true;
        // A provider reads one page through its own index; one that returns more is cut here. With a status
        // filter, pages are read until this one is full or the provider has no more.
        while (page.length < limit) {
          const want = limit - page.length;
          let summaries = p.listConversations(store.data.providers[p.name], { after: from, limit: want });
          if (summaries.length > want || (from !== null && summaries[0]?.id === from)) {
            const at = from === null ? -1 : summaries.findIndex((s) => s.id === from);
            summaries = summaries.slice(at + 1, at + 1 + want);
          }
          for (const summary of summaries) {
            if (status === undefined || summary.status === status)
              page.push({ ...summary, provider: p.name });
          }
          if (summaries.length < want) break;
          from = summaries.at(-1)!.id;
        }
        if (page.length >= limit) break;
      }
      return page;
    },
    state(name, keys) {
      const state = store.data.providers[providerOf(name).name];
      if (keys === undefined || !isRecord(state)) return structuredClone(state);
      return structuredClone(
        Object.fromEntries(keys.filter((key) => Object.hasOwn(state, key)).map((key) => [key, state[key]])),
      );
    },
    actions: (name) =>
      deps.providers
        .filter((p) => name === undefined || p.name === name)
        .flatMap((p) =>
          Object.entries(actionsOf(p.name)).map(([action, def]) => ({
            provider: p.name,
            action,
            description: def.description,
          })),
        ),
    async act({ provider: name, conversationId, action, args }) {
      const provider = providerOf(name);
      const definition = getOwn(actionsOf(provider.name), action);
      if (!definition) {
        const known = Object.keys(actionsOf(provider.name));
        throw new ControlError(
          400,
          `Provider '${name}' has no action ${toEcho(action, 60)}. Actions: ${known.join(', ') || '(none)'}.`,
        );
      }
      const parsed = definition.args.safeParse(args ?? {});
      if (!parsed.success) {
        throw new ControlError(400, `Invalid args for ${name} ${action}: ${z.prettifyError(parsed.error)}`);
      }
      try {
        const time = clock.now();
        const result = await definition.run(deps.contextOf(name), conversationId, parsed.data);
        signals.emit('action', { provider: name, conversationId, action, args: parsed.data, time });
        return result;
      } catch (error) {
        if (error instanceof ControlError) throw error;
        throw new ControlError(
          409,
          `${name} ${action} on ${conversationId} failed: ${(error as Error).message}`,
        );
      }
    },
    operations(name) {
      operationDocs ??= deps.providers.flatMap((p) =>
        Object.entries(p.admin ?? {}).map(([operation, op]) => ({
          provider: p.name,
          operation,
          method: op.method,
          path: op.path,
          description: op.description,
          args: toJsonSchema(op.args),
          status: op.status ?? 200,
        })),
      );
      if (name !== undefined) providerOf(name);
      return operationDocs
        .filter((op) => name === undefined || op.provider === name)
        .map((op) => structuredClone(op));
    },
    async admin(name, operation, args) {
      const provider = providerOf(name);
      return await runAdminOperation(provider, deps.contextOf(provider.name), operation, args);
    },
    now: () => clock.now(),
    // Advances are queued: each one waits for the previous, so concurrent calls add up instead of racing.
    advance: (() => {
      let queue: Promise<unknown> = Promise.resolve();
      return async (by: number | string) => {
        if (clock.kind !== 'virtual') {
          throw new ControlError(
            409,
            "The clock is real. Please start with clock 'virtual' (--clock virtual) to advance it.",
          );
        }
        let ms: number;
        try {
          ms = parseDuration(by);
        } catch (error) {
          throw new ControlError(400, (error as Error).message);
        }
        const run = queue.then(async () => {
          if (!isValidTime(clock.now() + ms)) {
            throw new ControlError(
              400,
              `Advancing by ${ms} ms would move the clock past the last date it can hold (${MAX_TIME} ms).`,
            );
          }
          try {
            await activity.idle();
            await (clock as VirtualClock).advance(ms, () => activity.idle());
            await activity.idle();
          } catch (error) {
            // Still busy at the deadline is an answer (408), not an internal error.
            throw error instanceof BusyError ? new ControlError(408, error.message) : error;
          } finally {
            store.touch();
          }
          signals.emit('clock', { now: clock.now(), byMs: ms });
          return { now: clock.now() };
        });
        queue = run.catch(() => {});
        return run;
      };
    })(),
    addFault(spec) {
      try {
        return faults.add(spec);
      } catch (error) {
        if (error instanceof z.ZodError)
          throw new ControlError(400, `Invalid fault: ${z.prettifyError(error)}`);
        throw error;
      }
    },
    faults: () => faults.list(),
    removeFault(id) {
      if (!faults.remove(id)) throw new ControlError(404, `No fault ${toEcho(id, 60)}.`);
    },
    clearFaults: () => faults.clear(),
    // Delivery faults: each one's ratio draws are seeded by the simulator's seed and its number.
    addDeliveryFault(spec) {
      const parsed = deliveryFaultSpecSchema.safeParse(spec);
      if (!parsed.success)
        throw new ControlError(400, `Invalid delivery fault: ${z.prettifyError(parsed.error)}`);
      return deps.dispatcher.faults.add(spec, deps.seed);
    },
    deliveryFaults: () => deps.dispatcher.faults.list(),
    removeDeliveryFault(id) {
      if (!deps.dispatcher.faults.remove(id))
        throw new ControlError(404, `No delivery fault ${toEcho(id, 60)}.`);
    },
    clearDeliveryFaults: () => deps.dispatcher.faults.clear(),
    async idle({ timeoutMs = DEFAULT_WAIT_MS, settleMs = 0 } = {}) {
      const timeout = toWaitMs(timeoutMs);
      if (!Number.isFinite(settleMs) || settleMs < 0 || settleMs > MAX_SETTLE_MS) {
        throw new ControlError(
          400,
          `settleMs must be 0 to ${MAX_SETTLE_MS} ms, not ${toEcho(settleMs, 30)}.`,
        );
      }
      const start = performance.now();
      const left = () => timeout - (performance.now() - start);
      let disturbed: string | null = null;
      for (;;) {
        try {
          await activity.idle(Math.max(1, Math.ceil(left())));
        } catch (error) {
          // Still busy at the deadline is an answer (408), not an internal error.
          if (!(error instanceof BusyError)) throw error;
          const counts = activity.counts();
          throw new ControlError(
            408,
            `Simulator still busy after ${timeout} ms: ${counts.running} running, ${counts.timers} timers pending.` +
              (settleMs > 0 && disturbed ? ` Last seen in the settle window: ${disturbed}.` : '') +
              (counts.timers > 0 && clock.kind === 'real'
                ? ' Timers count on a real clock: a scheduled retry or step keeps the simulator busy until it runs.'
                : ''),
          );
        }
        if (settleMs === 0) return;
        if (left() <= 0) break;
        if (inFlight > 0) {
          disturbed = `${inFlight} inbound request${inFlight === 1 ? '' : 's'} in flight`;
          await nextSignal(['request'], left());
          continue;
        }
        // Only a whole window counts: one cut short by the deadline ends the wait.
        const whole = settleMs <= left();
        const seen = await nextSignal(
          ['request.started', 'request', 'delivery.created', 'activity'],
          Math.min(settleMs, left()),
        );
        if (seen === null && whole && activity.isIdle() && inFlight === 0) return;
        if (seen !== null) disturbed = seen;
        if (left() <= 0) break;
      }
      const counts = activity.counts();
      throw new ControlError(
        408,
        `Not idle for a settle window of ${settleMs} ms within ${timeout} ms: ` +
          (inFlight > 0
            ? `${inFlight} inbound request${inFlight === 1 ? '' : 's'} still in flight`
            : `something kept happening (last: ${disturbed ?? 'nothing'})`) +
          `; now ${counts.running} running, ${counts.timers} timers pending. ` +
          'Please raise timeoutMs, or shorten settleMs if your system polls.',
      );
    },
    async waitForDelivery(match, { timeoutMs = DEFAULT_WAIT_MS, since } = {}) {
      const predicate = toMatcher(() => toDeliveryPredicate(match));
      const stated = typeof match === 'object' && match.state !== undefined;
      const scope = toMatcher(() => toDeliveryScope(since), 'since');
      const ready = (d: Delivery) => scope(d) && predicate(d) && (stated || d.attempts.length > 0);
      return waitFor(
        () => findDeliveries(typeof match === 'function' ? {} : match).find(ready),
        (check) => {
          const test = (d: Delivery) => {
            if (ready(d)) check(d);
          };
          return [
            signals.on('delivery.created', test),
            signals.on('delivery.attempt', ({ delivery }) => test(delivery)),
            signals.on('delivery.settled', test),
          ];
        },
        timeoutMs,
        () => {
          const seen = findDeliveries()
            .filter(scope)
            .slice(-5)
            .map(
              (d) =>
                `${d.id} ${d.provider} ${d.type} (${d.state}) body ${toEcho(d.body, 160)}` +
                (predicate(d) && !stated && d.attempts.length === 0 ? ' (matches, no attempt yet)' : ''),
            );
          return (
            `No delivery matching ${describeMatch(match)}${describeSince(since)} within ${toWaitMs(timeoutMs)} ms. ` +
            `Last deliveries${since === undefined ? '' : ' in scope'}: ${seen.join('; ') || 'none'}.${virtualHint()}`
          );
        },
      );
    },
    events: (filter = {}, { lastEventId } = {}) => deps.events.subscribe(filter, lastEventId),
    async waitForRequest(match, { timeoutMs = DEFAULT_WAIT_MS, since } = {}) {
      const matcher = toMatcher(() => toRequestMatcher(match));
      const scope: RequestFilter = toMatcher(() => toRequestScope(since), 'since');
      const filter: RequestFilter = typeof match === 'function' ? {} : withoutBody(match);
      const inScope = toRequestPredicate(scope);
      return waitFor(
        () => journal.find(mergeScope(filter, scope), matcher),
        (check) => [
          signals.on('request', (entry) => {
            if (inScope(entry) && matcher(entry)) check(entry);
          }),
        ],
        timeoutMs,
        () => {
          const filterOnly = toRequestPredicate(filter);
          const seen = journal.select({ ...scope, limit: 5 }).map((e) => {
            const almost = typeof match === 'object' && match.body !== undefined && filterOnly(e);
            return (
              `${e.id} ${e.method} ${e.path} ${e.status}` +
              (e.requestBody ? ` body ${toEcho(e.requestBody, 160)}` : '') +
              (almost ? ' (all but the body match)' : '')
            );
          });
          return (
            `No request matching ${describeMatch(match)}${describeSince(since)} within ${toWaitMs(timeoutMs)} ms. ` +
            `Last requests${since === undefined ? '' : ' in scope'}: ${seen.join('; ') || 'none'}.${virtualHint()}`
          );
        },
      );
    },
    mark: () => ({ requestSeq: journal.lastSeq(), deliverySeq: deliveryLog.lastSeq(), time: clock.now() }),
  };
  return control;
}
