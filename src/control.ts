import { z } from 'zod';
import type { ActivityTracker } from './activity.ts';
import { type Clock, isValidTime, MAX_TIME, toIsoTime, type VirtualClock } from './clock.ts';
import { type DeliveryFault, type DeliveryFaultSpec, deliveryFaultSpecSchema } from './delivery-faults.ts';
import type { DeliveryKeys, DeliveryLog } from './delivery-log.ts';
import type { DestinationStats, Dispatcher, DispatchLimits } from './dispatcher.ts';
import { parseDuration } from './duration.ts';
import { toEcho } from './echo.ts';
import { BusyError, ControlError } from './errors.ts';
import type { EventFilter, EventHub, EventSubscription } from './events.ts';
import type { Fault, FaultSpec, FaultTable } from './faults.ts';
import type { Journal, JournalEntry, RequestFilter, WindowStats } from './journal.ts';
import { getOwn } from './own.ts';
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
    /** At most this many, the newest. */
    limit: z.coerce.number().int().positive().optional(),
  })
  .strict();

/** A filter of recorded deliveries, or a predicate. */
export type DeliveryMatch = z.input<typeof deliveryFilterSchema> | ((delivery: Delivery) => boolean);

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
export type WaitOptions = { timeoutMs?: number };

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
  countRequests(filter?: RequestFilter): number;
  clearRequests(): void;
  deliveries(filter?: DeliveryMatch): Delivery[];
  /**
   * Conversations across providers, in provider order then each provider's own; `limit` (default 1,000) and
   * `after` (the `<provider>:<id>` of the previous page's last one) page it.
   */
  conversations(filter?: ConversationFilter): ConversationSummary[];
  /** A deep copy of one provider's state (for debugging, snapshots and tests). */
  state(provider: string): unknown;
  actions(provider?: string): { provider: string; action: string; description: string }[];
  act(request: ActRequest): Promise<unknown>;
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
  idle(options?: WaitOptions): Promise<void>;
  waitForDelivery(match: DeliveryMatch, options?: WaitOptions): Promise<Delivery>;
  waitForRequest(filter: RequestFilter, options?: WaitOptions): Promise<JournalEntry>;
  /**
   * The event stream (docs/events.md) as an async iterator, from now on, or after event `lastEventId` while the
   * ring of recent events still holds it. Bounded: a slow consumer gets a `dropped` event instead of the oldest.
   */
  events(filter?: EventFilter, options?: { lastEventId?: number }): EventSubscription;
};

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

/** Turns a delivery filter into a predicate. */
export function toDeliveryPredicate(match: DeliveryMatch = {}): (delivery: Delivery) => boolean {
  if (typeof match === 'function') return match;
  const f = deliveryFilterSchema.parse(match);
  return (d) =>
    (f.provider === undefined || d.provider === f.provider) &&
    (f.type === undefined || d.type === f.type) &&
    (f.conversationId === undefined || d.conversationId === f.conversationId) &&
    (f.url === undefined || d.url === f.url) &&
    (f.state === undefined || (f.state === 'settled' ? isSettled(d) : d.state === f.state));
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

  const waitFor = <T>(
    find: () => T | undefined,
    events: ('delivery.attempt' | 'delivery.settled' | 'request')[],
    timeoutMs: number,
    describe: () => string,
  ): Promise<T> => {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const offs = events.map((name) =>
        signals.on(name, () => {
          const hit = find();
          if (hit === undefined) return;
          done();
          resolve(hit);
        }),
      );
      const timer = setTimeout(() => {
        done();
        reject(new ControlError(408, describe()));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        for (const off of offs) off();
      };
    });
  };

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
    state: (name) => structuredClone(store.data.providers[providerOf(name).name]),
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
    async idle({ timeoutMs = 5000 } = {}) {
      try {
        await activity.idle(timeoutMs);
      } catch (error) {
        // Still busy at the deadline is an answer (408), not an internal error.
        if (error instanceof BusyError) throw new ControlError(408, error.message);
        throw error;
      }
    },
    waitForDelivery(match, { timeoutMs = 5000 } = {}) {
      const predicate = toDeliveryPredicate(match);
      const stated = typeof match === 'object' && match.state !== undefined;
      return waitFor(
        () => findDeliveries(match).find((d) => predicate(d) && (stated || d.attempts.length > 0)),
        ['delivery.attempt', 'delivery.settled'],
        timeoutMs,
        () => {
          const seen = findDeliveries()
            .slice(-5)
            .map((d) => `${d.provider} ${d.type} (${d.state})`);
          return (
            `No delivery matching ${typeof match === 'function' ? 'the predicate' : JSON.stringify(match)} within ${timeoutMs} ms. ` +
            `Last deliveries: ${seen.join(', ') || 'none'}.` +
            (clock.kind === 'virtual' ? ' The clock is virtual: advance it if the event is scheduled.' : '')
          );
        },
      );
    },
    events: (filter = {}, { lastEventId } = {}) => deps.events.subscribe(filter, lastEventId),
    waitForRequest(filter, { timeoutMs = 5000 } = {}) {
      return waitFor(
        () => journal.find(filter),
        ['request'],
        timeoutMs,
        () => `No request matching ${JSON.stringify(filter)} within ${timeoutMs} ms.`,
      );
    },
  };
  return control;
}
