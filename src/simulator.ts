import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createActivityTracker } from './activity.ts';
import { createAdminRoutes } from './admin-routes.ts';
import { type AdminSecurity, assertAdminBind, isLoopbackHost } from './admin-security.ts';
import {
  type Clock,
  createRealClock,
  createVirtualClock,
  DEFAULT_VIRTUAL_START,
  isValidTime,
} from './clock.ts';
import { type Control, createControl } from './control.ts';
import { createDeliveryLog } from './delivery-log.ts';
import {
  createDispatcher,
  createHttpSender,
  type DeliveryPolicy,
  type DispatchLimits,
  type Sender,
} from './dispatcher.ts';
import { parseDuration } from './duration.ts';
import { toEcho } from './echo.ts';
import { errorText } from './errors.ts';
import { createSseKeepAlive } from './event-keepalive.ts';
import { createEventHub, type EventHub, type EventLimits } from './events.ts';
import { createFaultTable } from './faults.ts';
import { checkFixtureDirs, DEFAULT_FIXTURES_DIR, loadProviderFixtures } from './fixtures.ts';
import { createInspectorRoutes } from './inspector/routes.ts';
import { formatPath, toIssuePath } from './issue-path.ts';
import { createJournal } from './journal.ts';
import { createPipeline, type SimEnv } from './pipeline.ts';
import type { AnyProvider, ProviderContext, ProviderDefinition } from './provider/contract.ts';
import { createProviderAdminRoutes } from './provider-operations.ts';
import { defaultProviders } from './providers/registry.ts';
import { createRandom } from './random.ts';
import { createRetention } from './retention.ts';
import { createSignalBus, type SignalBus } from './signals.ts';
import { createStore, type Store } from './store.ts';

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the simulator's log lines go. */
export type Logger = (level: LogLevel, message: string, data?: unknown) => void;

/**
 * Options of `assembleSimulator` (and of the public `createSimulator`, which adds the default providers and the
 * scenario engine); every dependency can be injected.
 */
export type SimulatorOptions = {
  /** The provider plug-ins to serve. The core has none of its own. */
  providers?: readonly AnyProvider[];
  /** 'memory' (default), the path of a JSON store file, or a store of your own (opened with `createStore`). */
  store?: string | Store;
  /** 'real' (default), 'virtual', or a clock of your own. */
  clock?: 'real' | 'virtual' | Clock;
  /** Start of virtual time (epoch ms or ISO string) when the store has none. */
  startTime?: number | string;
  /** Seed of every generated id, name and text. */
  seed?: number;
  /** Load the shipped fixtures/ folder first (default true). */
  defaultFixtures?: boolean;
  /** More fixture folders (each with <provider>/ subfolders), applied in order over the defaults. */
  fixturesDirs?: readonly string[];
  /** Inline fixtures per provider, applied last. */
  fixtures?: Record<string, unknown>;
  /** Runtime options per provider, validated by each provider's `options` schema. */
  providerOptions?: Record<string, unknown>;
  /** Outbound HTTP for webhooks (default: fetch). */
  send?: Sender;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Requests and deliveries kept in memory for the admin queries (default 10,000 each; files keep more). */
  journalLimit?: number;
  /** Log size in bytes after which the store takes a background snapshot (default 16 MiB). */
  snapshotBytes?: number;
  /** Webhook delivery limits per destination (concurrency, queue sizes, what counts as slow). */
  webhooks?: Partial<DispatchLimits>;
  /** Expire ended conversations this long after they ended (ms or a duration like '1h'); off by default. */
  retain?: number | string;
  /** Sizes of the event stream's resume ring and per-subscriber queues (default 1,000 each). */
  events?: Partial<EventLimits>;
  /** Log sink (default: warnings and errors to stderr). */
  logger?: Logger;
  /** Add-ons such as the scenario engine; the core knows none of them. */
  extensions?: readonly SimulatorExtension[];
  /** Token every /__admin request must carry (Bearer, or x-convosim-admin-token); none by default. */
  adminToken?: string;
  /** Let `listen` serve the admin API on a non-loopback address without a token (refused by default). */
  allowRemoteAdmin?: boolean;
};

/** What an extension (e.g. the scenario engine) gets from the simulator it extends. */
export type ExtensionHost = {
  readonly control: Control;
  readonly signals: SignalBus;
  readonly clock: Clock;
  readonly providers: readonly ProviderDefinition<unknown, unknown, unknown>[];
  /** Runs `task` after `delayMs` on the simulator clock, tracked by `idle()` and `advance()`. */
  schedule(delayMs: number, task: () => unknown): { cancel(): void };
  /** Runs `task` now, counted as work in progress until it settles, so `idle()` waits for it. */
  track<T>(task: () => Promise<T>): Promise<T>;
  log: Logger;
};

/** An add-on built with the simulator: its admin routes are mounted at /__admin/<name>. */
export type SimulatorExtension<Api = unknown> = {
  name: string;
  create(host: ExtensionHost): { api?: Api; routes?: Hono; close?(): unknown; reset?(): unknown };
};

/** A running simulator: its Hono app, its control functions, and its server once listening. */
export type Simulator = {
  readonly app: Hono<SimEnv>;
  readonly control: Control;
  readonly clock: Clock;
  readonly signals: SignalBus;
  /** The event stream (docs/events.md): what the live log prints and GET /__admin/events streams. */
  readonly events: EventHub;
  readonly providers: readonly ProviderDefinition<unknown, unknown, unknown>[];
  /** Internal errors caught so far (tests assert there are none). */
  readonly internalErrors: readonly { time: number; method: string; path: string; message: string }[];
  /** The store: where it is, how many times it was written, and a way to write it now. */
  readonly store: { readonly location: string; writes(): number; flush(): Promise<void> };
  /** The `api` each extension returned, by extension name. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** Base URL once listening. */
  readonly url: string | null;
  listen(
    port?: number,
    host?: string,
    options?: { tls?: { cert: string; key: string } },
  ): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
};

/** The default body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const defaultLogger: Logger = (level, message, data) => {
  if (level === 'warn' || level === 'error') {
    process.stderr.write(
      `[convosim] ${level}: ${message}${data === undefined ? '' : ` ${errorText(data)}`}\n`,
    );
  }
};

/**
 * Builds a simulator from injected dependencies: only the providers and extensions given (none by default).
 * Two simulators share nothing. The public `createSimulator` (src/index.ts) adds the defaults.
 */
export async function assembleSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const providers = (options.providers ?? []) as readonly ProviderDefinition<unknown, unknown, unknown>[];
  assertUniqueNames(providers);
  const seed = options.seed ?? 1;
  const log = options.logger ?? defaultLogger;
  const signals = createSignalBus((error) => log('error', 'a signal listener threw', error));

  let clock: Clock | undefined;
  const injected = typeof options.store === 'object' ? options.store : null;
  const store =
    injected ??
    (await createStore({
      location: (options.store as string | undefined) ?? 'memory',
      seed,
      snapshotBytes: options.snapshotBytes,
      derived: Object.fromEntries(providers.map((p) => [p.name, p.derived ?? []])),
      beforeWrite: (data) => {
        data.meta.clockNow = clock?.kind === 'virtual' ? clock.now() : null;
      },
      onWarning: (message) => log('warn', message),
      onError: (error) => log('error', 'store write failed', error),
    }));
  const journal = createJournal({
    file: store.sidecar('requests.ndjson'),
    limit: options.journalLimit,
    onError: (error) => log('error', 'the request journal cannot be written', error),
  });
  const deliveryLog = createDeliveryLog({
    file: store.sidecar('deliveries.ndjson'),
    limit: options.journalLimit,
    onError: (error) => log('error', 'the delivery log cannot be written', error),
  });
  let savedNow = store.data.meta.clockNow;
  if (savedNow !== null && !isValidTime(savedNow)) {
    log('warn', `the store's virtual time ${savedNow} is out of range; starting from the start time instead`);
    savedNow = null;
  }
  clock = resolveClock(options.clock, savedNow ?? toEpoch(options.startTime));
  const stream = store.data.meta.boots * 10;
  const random = createRandom(seed, stream);
  const eventRandom = createRandom(seed, stream + 1);
  const faults = createFaultTable(createRandom(seed, stream + 2));
  const activity = createActivityTracker(clock, signals);
  const scheduled = new Set<{ cancel(): void }>();
  // Timers of providers and extensions: tracked for idle(), cancelled by reset, never crashing the process.
  const scheduleGuarded = (owner: string, delayMs: number, task: () => unknown) => {
    const handle = activity.schedule(delayMs, async () => {
      scheduled.delete(handle);
      try {
        await task();
      } catch (error) {
        log('error', `${owner}: a scheduled task failed`, error);
      }
    });
    scheduled.add(handle);
    return handle;
  };
  const internalErrors: { time: number; method: string; path: string; message: string }[] = [];

  const byName = new Map(providers.map((p) => [p.name, p]));
  const pooledSender = options.send ? null : createHttpSender();
  const dispatcher = createDispatcher({
    limits: options.webhooks,
    log: (level, message, data) => log(level, message, data),
    clock,
    send: options.send ?? pooledSender!,
    activity,
    signals,
    record: (delivery) => deliveryLog.record(delivery),
    unsettled: () => deliveryLog.unsettled(),
    nextDeliveryId: () => deliveryLog.nextId(),
    changed: (delivery) => deliveryLog.changed(delivery),
    durable: () => store.written(),
    policyOf(name) {
      let resolved = policies.get(name);
      if (!resolved) {
        const policy = byName.get(name)?.webhooks;
        const ctx = contexts.get(name)!;
        const configured = policy?.configure?.(ctx.options) ?? {};
        resolved = {
          retryDelaysMs: configured.retryDelaysMs ?? policy?.retryDelaysMs ?? [1000, 5000, 30_000],
          timeoutMs: configured.timeoutMs ?? policy?.timeoutMs ?? 5000,
          sign: policy?.sign ? (input) => policy.sign!(input, ctx) : undefined,
          onSettled: policy?.onSettled ? (delivery) => policy.onSettled!(delivery, ctx) : undefined,
        };
        policies.set(name, resolved);
      }
      return resolved;
    },
  });

  const contexts = new Map<string, ProviderContext<unknown, unknown>>();
  // Each provider's delivery policy, resolved on first use (its options are fixed once assembled).
  const policies = new Map<string, DeliveryPolicy>();
  for (const provider of providers) {
    const parsedOptions = provider.options
      ? parseProviderOptions(provider, options.providerOptions?.[provider.name])
      : (options.providerOptions?.[provider.name] ?? {});
    const ctx: ProviderContext<unknown, unknown> = {
      name: provider.name,
      clock,
      random,
      options: parsedOptions,
      state: () => store.data.providers[provider.name],
      update: (recipe) => store.update(provider.name, recipe),
      emit: (event) => dispatcher.enqueue(provider.name, event, eventRandom.id(22)).eventId,
      deliverNow: (event) => dispatcher.deliverNow(provider.name, event, eventRandom.id(22)),
      schedule: (delayMs, task) => scheduleGuarded(provider.name, delayMs, task),
      // Built field by field: a spread of the signal cost 1.8% of a Chat Gateway create's CPU (profile).
      notify: ({ type, conversationId, data }) =>
        signals.emit('conversation', { type, conversationId, data, provider: provider.name }),
      log: (level, message, data) => log(level, `${provider.name}: ${message}`, data),
    };
    contexts.set(provider.name, ctx);
  }

  // A missing folder, or a subfolder that names no provider, is a mistake (as on the command line); a subfolder of a
  // built-in provider that is not served is not.
  checkFixtureDirs(options.fixturesDirs ?? [], [
    ...new Set([...providers, ...defaultProviders].map((p) => p.name)),
  ]);
  const fixtureDirs = [
    ...(options.defaultFixtures === false ? [] : [DEFAULT_FIXTURES_DIR]),
    ...(options.fixturesDirs ?? []),
  ];
  const fixtures = new Map(
    providers.map((p) => [p.name, loadProviderFixtures(p, fixtureDirs, options.fixtures?.[p.name])]),
  );
  const applyFixtures = (onlyMissing: boolean) => {
    for (const provider of providers) {
      if (onlyMissing && store.data.providers[provider.name] !== undefined) continue;
      store.replace(
        provider.name,
        provider.createState(fixtures.get(provider.name), contexts.get(provider.name)!),
      );
    }
  };
  applyFixtures(true);
  const startProviders = () => {
    for (const provider of providers) provider.onStart?.(contexts.get(provider.name)!);
  };

  const retention = createRetention({
    store,
    clock,
    retainMs: options.retain === undefined ? null : parseDuration(options.retain),
    expire(name, conversationId) {
      const provider = byName.get(name);
      if (!provider?.expireConversation) return;
      try {
        provider.expireConversation(contexts.get(name)!, conversationId);
      } catch (error) {
        log('error', `${name}: expiring conversation ${conversationId} failed`, error);
      }
    },
  });
  // Deferred past the change that raised the signal, so that expiry never runs inside a provider's update.
  // Without --retain nothing listens: requests pay nothing for retention.
  if (options.retain !== undefined) {
    signals.on('conversation', (signal) =>
      queueMicrotask(() => {
        if (signal.type === 'conversation.ended') retention.noteEnded(signal.provider, signal.conversationId);
        retention.sweep();
      }),
    );
    signals.on('request', () => queueMicrotask(() => retention.sweep()));
  }

  const reset = async () => {
    dispatcher.clear();
    for (const handle of scheduled) handle.cancel();
    scheduled.clear();
    faults.clear();
    journal.clear(true);
    deliveryLog.clear(true);
    retention.clear();
    random.reseed(seed, stream);
    eventRandom.reseed(seed, stream + 1);
    applyFixtures(false);
    startProviders();
    for (const extension of built) await extension.reset?.();
    await store.flush();
  };

  const events = createEventHub(signals, clock, options.events);
  const control = createControl({
    events,
    providers,
    contextOf: (name) => contexts.get(name)!,
    store,
    journal,
    deliveryLog,
    dispatcher,
    clock,
    activity,
    signals,
    faults,
    seed,
    reset,
  });

  const app = createPipeline({
    providers,
    clock,
    journal,
    faults,
    signals,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    contextOf: (name) => contexts.get(name)!,
    durable: () => store.written(),
    written: (soon) => {
      const journalWritten = journal.written(soon);
      const deliveriesWritten = deliveryLog.written(soon);
      if (journalWritten && deliveriesWritten) return journalWritten.then(() => deliveriesWritten);
      return journalWritten ?? deliveriesWritten;
    },
    onInternalError(error, c) {
      // The message may quote request input: escaped and cut, so it cannot forge or flood log lines.
      const message = toEcho(errorText(error), 500).slice(1, -1);
      internalErrors.push({ time: clock!.now(), method: c.req.method, path: c.req.path, message });
      log(
        'error',
        `internal error on ${c.req.method} ${c.req.path}: ${message}`,
        error instanceof Error ? error.stack : undefined,
      );
    },
  });
  const providerAdmin: Record<string, Hono> = {};
  for (const provider of providers) {
    if (!provider.admin) continue;
    providerAdmin[provider.name] = createProviderAdminRoutes(provider, (name, args) =>
      control.admin(provider.name, name, args),
    );
  }
  const host: ExtensionHost = {
    control,
    signals,
    clock,
    providers,
    log,
    schedule: (delayMs, task) => scheduleGuarded('an extension', delayMs, task),
    async track(task) {
      const end = activity.begin();
      try {
        return await task();
      } finally {
        end();
      }
    },
  };
  const built = (options.extensions ?? []).map((extension) => ({
    name: extension.name,
    ...extension.create(host),
  }));
  const extensionAdmin = Object.fromEntries(built.filter((e) => e.routes).map((e) => [e.name, e.routes!]));
  const security: AdminSecurity = { token: options.adminToken, allowRemote: options.allowRemoteAdmin };
  app.use('/__admin/events', createSseKeepAlive(options.events?.keepAliveMs));
  const inspector = createInspectorRoutes({ control, events, providers, security });
  app.route('/', inspector.page);
  app.route(
    '/__admin',
    createAdminRoutes(control, providerAdmin, { ...extensionAdmin, inspector: inspector.admin }, security),
  );
  for (const provider of providers) app.route('/', provider.createRoutes(contexts.get(provider.name)!));
  dispatcher.resume();
  startProviders();
  // The state the simulator starts from is on disk before it answers anything (a store that cannot be written
  // refuses to start).
  await store.flush();

  let server: ServerType | null = null;
  let closed = false;
  let url: string | null = null;

  return {
    app,
    control,
    clock,
    signals,
    events,
    providers,
    internalErrors,
    extensions: Object.fromEntries(built.map((e) => [e.name, e.api])),
    store: { location: store.location, writes: () => store.writes(), flush: () => store.flush() },
    get url() {
      return url;
    },
    async listen(port = 0, host = '127.0.0.1', options) {
      if (server) throw new Error(`This simulator is already listening on ${url}.`);
      assertAdminBind(host, security);
      if (!isLoopbackHost(host) && security.token === undefined) {
        log('warn', `the admin API on ${host} is open to anyone who can reach it (no admin token).`);
      }
      // HTTPS when given a certificate (serve --tls, src/tls.ts); the same app either way.
      const started = options?.tls
        ? serve({
            fetch: app.fetch,
            port,
            hostname: host,
            createServer: createHttpsServer,
            serverOptions: { cert: options.tls.cert, key: options.tls.key },
          })
        : serve({ fetch: app.fetch, port, hostname: host });
      await new Promise<void>((resolve, reject) => {
        started.once('listening', resolve);
        started.once('error', reject);
      });
      server = started;
      const address = started.address() as AddressInfo;
      url = `${options?.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      return { url, port: address.port };
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const extension of built) await extension.close?.();
      events.close();
      dispatcher.clear();
      for (const handle of scheduled) handle.cancel();
      if (server) {
        const closing = server;
        server = null;
        url = null;
        await new Promise<void>((resolve) => {
          closing.close(() => resolve());
          if ('closeAllConnections' in closing) closing.closeAllConnections();
        });
      }
      await store.close();
      journal.close();
      deliveryLog.close();
      pooledSender?.close();
    },
  };
}

function resolveClock(option: SimulatorOptions['clock'], virtualStart: number | null): Clock {
  if (option === undefined || option === 'real') return createRealClock();
  if (option === 'virtual') return createVirtualClock(virtualStart ?? DEFAULT_VIRTUAL_START);
  return option;
}

function toEpoch(value: number | string | undefined): number | null {
  if (value === undefined) return null;
  const epoch = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(epoch)) throw new Error(`startTime '${value}' is not a date. Please use ISO 8601.`);
  return epoch;
}

function parseProviderOptions(
  provider: ProviderDefinition<unknown, unknown, unknown>,
  value: unknown,
): unknown {
  const result = provider.options!.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`Invalid option ${provider.name}.${formatPath(toIssuePath(issue))}: ${issue.message}.`);
  }
  return result.data;
}

function assertUniqueNames(providers: readonly ProviderDefinition<unknown, unknown, unknown>[]) {
  const seen = new Set<string>();
  for (const { name } of providers) {
    if (seen.has(name)) throw new Error(`Two providers are named '${name}'. Please give each a unique name.`);
    seen.add(name);
  }
}
