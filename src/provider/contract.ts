import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Random } from '../random.ts';
import type { NeutralVerb } from './actions.ts';
import type { Result } from './result.ts';

/** The webhook events a provider sends: event type → body type. */
export type EventMap = Record<string, unknown>;
/** What a provider attaches to each delivery for its own `sign` and `onSettled` hooks (never sent). */
export type DeliveryMeta = Record<string, unknown>;

/**
 * The contract every provider plug-in fulfils. A provider is a folder under src/providers/<name>/ whose
 * index.ts exports one `ProviderDefinition`; the core knows nothing else about it. `Events` types what `emit`
 * takes and `Meta` what `sign` and `onSettled` read back, so both are checked by the compiler.
 */
export type ProviderDefinition<
  State = unknown,
  Fixtures = unknown,
  Options = unknown,
  Events extends EventMap = EventMap,
  Meta extends DeliveryMeta = DeliveryMeta,
> = {
  /** Folder name and key everywhere (journal, admin API, scenarios): 'ece', '8x8', 'chatwoot', 'airkit'. */
  name: string;
  /** Human title printed by the CLI. */
  title: string;
  /** Path prefixes this provider owns; used to explain unmatched routes and pick the error envelope. */
  basePaths: readonly string[];
  /**
   * API surfaces with their own error envelope (8x8's v2 and Chat Gateway): for a request under one of a
   * surface's base paths (the longest match wins) the core renders its errors with the surface's `renderError`.
   * Each surface base path must also be listed in `basePaths`.
   */
  surfaces?: readonly ProviderSurface<State, Options, Events, Meta>[];
  /** Schema of one fixture file (every top-level key optional); files are merged, then `createState` runs. */
  fixtures: z.ZodType<Fixtures>;
  /** Checks across merged fixture files (references between collections); returns problems as `path: message`. */
  checkFixtures?(fixtures: Fixtures): string[];
  /** Runtime options (CLI `--option <provider>.<key>=<value>`, library `providerOptions`). */
  options?: z.ZodType<Options>;
  /**
   * Top-level keys of the state that are derived from the rest (indexes): a file store writes them neither to its
   * log nor to its snapshots, and drops them when it reads a store back, so `onStart` must build each one that is
   * missing, from the records, exactly as the transitions keep it (docs/decisions/0002, "Derived state"). A value
   * assigned whole to a derived key (`draft.index = rebuilt`) is stored as it is, not walked: build it fresh, with
   * no draft and no object shared with the rest of the state.
   */
  derived?: readonly string[];
  /** Builds the provider's initial state from its merged fixtures. Called at first start and on reset. */
  createState(fixtures: Fixtures, ctx: ProviderContext<State, Options, Events, Meta>): State;
  /**
   * Called once the state is ready: at start (fresh or restored from a store file) and after each reset.
   * Timers do not survive a restart; this is where a provider arms again the ones its state still needs.
   */
  onStart?(ctx: ProviderContext<State, Options, Events, Meta>): void;
  /** Builds the provider's routes; paths are absolute (they include the base path). */
  createRoutes(ctx: ProviderContext<State, Options, Events, Meta>): Hono;
  /** Renders the provider's own error envelope for errors the core detects (outside any `surfaces`). */
  renderError(c: Context, error: CoreError, ctx: ProviderContext<State, Options, Events, Meta>): Response;
  /** Webhook delivery policy and signing. */
  webhooks?: WebhookPolicy<State, Options, Events, Meta>;
  /**
   * Where a conversation's webhooks go, for an event of type `event.type`: one target per receiver, or why there
   * is none. The core's `raw.event` action posts to these targets, so a provider does not write it.
   */
  webhookTargets?(
    ctx: ProviderContext<State, Options, Events, Meta>,
    conversationId: string,
    event: { type: string; body: unknown },
  ): Result<readonly WebhookTarget<Meta>[], string>;
  /**
   * Agent and customer actions, callable from the admin API and scenarios (`agent.say`, `customer.leave`...).
   * A neutral verb (see `neutralVerbs`) must be built with `defineNeutralAction`; `raw.event` is the core's.
   */
  actions?: Record<string, ProviderAction<State, Options, Events, Meta>>;
  /**
   * Summaries of this provider's conversations for the cross-provider admin listing, in the provider's own order:
   * the ones after `page.after` (an id this listing returned; null = from the first), at most `page.limit`.
   * A provider that ignores `page` may return them all (the core cuts the page, at a cost that grows).
   * The core stamps each summary's `provider` with this provider's `name`.
   */
  listConversations(state: State, page: ConversationPage): ListedConversation[];
  /**
   * Provider admin operations, keyed by name: mounted by the core under /__admin/providers/<name> (method and
   * path of each) with the core's validation and error envelope, and callable as `control.admin(name, op, args)`.
   */
  admin?: Record<string, AdminOperation<State, Options, Events, Meta>>;
  /**
   * Deletes one ended conversation and everything kept for it (messages, index entries), for `--retain`.
   * Called only for conversations the provider reported ended; a conversation already gone is ignored.
   */
  expireConversation?(ctx: ProviderContext<State, Options, Events, Meta>, conversationId: string): void;
};

/** A provider of any state, fixture, option, event and meta types: what a list of providers holds. */
// biome-ignore lint/suspicious/noExplicitAny: providers differ in state, fixture, option, event and meta types.
export type AnyProvider = ProviderDefinition<any, any, any, any, any>;

/** An API generation or family of routes under its own base paths, with its own error envelope. */
export type ProviderSurface<
  State = unknown,
  Options = unknown,
  Events extends EventMap = EventMap,
  Meta extends DeliveryMeta = DeliveryMeta,
> = {
  basePaths: readonly string[];
  renderError(c: Context, error: CoreError, ctx: ProviderContext<State, Options, Events, Meta>): Response;
};

/** One receiver of a conversation's webhooks, as `webhookTargets` names it. */
export type WebhookTarget<Meta extends DeliveryMeta = DeliveryMeta> = {
  url: string;
  /** Content type of the delivery; default application/json. */
  contentType?: string;
  /** Headers every delivery to this receiver carries (before signing). */
  headers?: Record<string, string>;
  /** Delivery order key; default the conversation id. */
  orderKey?: string;
  /** The conversation id the delivery is recorded under; default the id asked for. */
  conversationId?: string;
  /** How a body that is not a string is written (e.g. as XML); default JSON. */
  serialize?(body: unknown): string;
  meta: Meta;
};

/** One provider admin operation: a route under /__admin/providers/<name> and a `control.admin` call. */
export type AdminOperation<
  State = unknown,
  Options = unknown,
  Events extends EventMap = EventMap,
  Meta extends DeliveryMeta = DeliveryMeta,
> = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under /__admin/providers/<name>, with `:name` parameters. */
  path: string;
  description: string;
  /**
   * Validates the arguments: over HTTP, the path parameters, the query (but `secrets`) and the JSON body's
   * fields in one object (a name given twice is refused).
   */
  args: z.ZodType;
  /** Status of a successful answer; default 200. */
  status?: 200 | 201 | 202 | 204;
  /** Runs the operation; throws `ControlError` for a mistake (rendered in the admin envelope). */
  run(ctx: ProviderContext<State, Options, Events, Meta>, args: unknown): unknown;
};

/** What the core hands a provider: its state, time, randomness, and the webhook dispatcher. */
export type ProviderContext<
  State = unknown,
  Options = unknown,
  Events extends EventMap = EventMap,
  Meta extends DeliveryMeta = DeliveryMeta,
> = {
  readonly name: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly options: Options;
  /** The current state. Treat as read-only: change it only through `update`. */
  state(): State;
  /**
   * Applies a change atomically, in place: if `recipe` throws, every change it made is rolled back. A committed
   * change is in the write-ahead log before `update` returns (file store).
   */
  update<T>(recipe: (draft: State) => T): T;
  /** Queues a webhook for asynchronous, ordered (per conversation), retried delivery. Returns the event id. */
  emit<Type extends keyof Events & string>(event: WebhookEvent<Type, Events[Type], Meta>): string;
  /** Sends one webhook now and returns the receiver's answer; recorded, never retried (e.g. verify calls). */
  deliverNow<Type extends keyof Events & string>(
    event: WebhookEvent<Type, Events[Type], Meta>,
  ): Promise<DeliveryAttempt>;
  /** Runs `task` after `delayMs` on the simulator clock; `idle()` waits for it on a real clock. */
  schedule(delayMs: number, task: () => unknown): { cancel(): void };
  /** Tells the core (and scenarios) about a conversation's life. */
  notify(signal: ConversationSignal): void;
  /** Logs through the simulator's logger. */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: unknown): void;
};

/** One event of an event map as `emit` takes it: its type names its body's type. */
export type EventOf<Events extends EventMap = EventMap, Meta extends DeliveryMeta = DeliveryMeta> = {
  [Type in keyof Events & string]: WebhookEvent<Type, Events[Type], Meta>;
}[keyof Events & string];

/** An error the core detects before or around a provider route. */
export type CoreError = {
  status: number;
  kind: 'not-found' | 'payload-too-large' | 'fault' | 'internal';
  message: string;
};

/** One webhook the provider wants delivered. */
export type WebhookEvent<
  Type extends string = string,
  Body = unknown,
  Meta extends DeliveryMeta = DeliveryMeta,
> = {
  /** Event type in the provider's words ('AGENT_JOINED', 'message_created', 'text/plain'). */
  type: Type;
  url: string;
  /** Deliveries with the same key are sent in order, one at a time. Usually the conversation id. */
  orderKey?: string;
  conversationId?: string;
  /** A string is sent as is; anything else is sent as JSON. */
  body: Body;
  contentType?: string;
  headers?: Record<string, string>;
  /** The provider's data for its `sign` and `onSettled` hooks (recorded, never sent). */
  meta?: Meta;
};

/** One attempt at delivering a webhook, as recorded. */
export type DeliveryAttempt = {
  attempt: number;
  time: number;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number | null;
  latencyMs: number;
  error: string | null;
  responseBody: string | null;
  ok: boolean;
};

/** A recorded webhook delivery with all its attempts. */
export type Delivery<Meta extends DeliveryMeta = DeliveryMeta> = {
  id: string;
  eventId: string;
  provider: string;
  type: string;
  url: string;
  conversationId: string | null;
  orderKey: string | null;
  /** Settled states: 'delivered', 'failed' (retries exhausted) and 'dropped' (never sent: queue limit). */
  state: 'queued' | 'in-flight' | 'retrying' | 'delivered' | 'failed' | 'dropped';
  createdAt: number;
  body: string;
  attempts: DeliveryAttempt[];
  /** The event's `meta` (`raw: true` added for the core's raw.event). */
  meta: Partial<Meta> & { raw?: true };
  /** Why the delivery settled as it did (e.g. the queue limit that dropped it); absent when nothing to add. */
  note?: string;
  /** What delivery faults (docs/faults.md) did to it, in the order applied; absent on an unfaulted delivery. */
  chaos?: DeliveryChaos[];
};

/** One delivery fault applied to a delivery, as the delivery log records it. */
export type DeliveryChaos = {
  /** The fault's id (`dfault-1`). */
  fault: string;
  kind: string;
  /** What was done, in a sentence. */
  detail: string;
  /** For a delivery the fault created (a duplicate, an unknown event): the delivery it was made from. */
  of?: string;
};

/** True once a delivery is over: delivered, failed for good, or dropped (its destination's queue was full). */
export function isSettled(delivery: Pick<Delivery, 'state'>): boolean {
  return delivery.state === 'delivered' || delivery.state === 'failed' || delivery.state === 'dropped';
}

/** Delivery policy of a provider. */
export type WebhookPolicy<
  State = unknown,
  Options = unknown,
  Events extends EventMap = EventMap,
  Meta extends DeliveryMeta = DeliveryMeta,
> = {
  /** Delays before each retry, in ms; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** How long to wait for the receiver's answer. */
  timeoutMs: number;
  /**
   * The retry delays and answer timeout read from the provider's options, so that users can change them with
   * `--option`; what it returns wins over `retryDelaysMs` and `timeoutMs`. Called once, when the simulator is assembled.
   */
  configure?(options: Options): { retryDelaysMs?: readonly number[]; timeoutMs?: number };
  /** Headers to add to one attempt (signatures, retry counters). Called on every attempt. */
  sign?(
    input: SignInput<Meta>,
    ctx: ProviderContext<State, Options, Events, Meta>,
  ): Promise<Record<string, string>> | Record<string, string>;
  /** Called once a delivery has succeeded, exhausted its retries, or been dropped (its destination was full). */
  onSettled?(delivery: Delivery<Meta>, ctx: ProviderContext<State, Options, Events, Meta>): void;
};

/** What a signing hook sees for one attempt. */
export type SignInput<Meta extends DeliveryMeta = DeliveryMeta> = {
  eventId: string;
  event: WebhookEvent<string, unknown, Partial<Meta> & { raw?: true }>;
  body: string;
  /** 0 for the first attempt, then 1, 2... */
  attempt: number;
  /** Transmission time of this attempt on the simulator clock. */
  time: number;
};

/** An agent or customer action, validated by `args` (build one with `defineAction` to type its arguments). */
export type ProviderAction<
  State = unknown,
  Options = unknown,
  Events extends EventMap = EventMap,
  Meta extends DeliveryMeta = DeliveryMeta,
> = {
  description: string;
  args: z.ZodType;
  /** Set by `defineNeutralAction`: the neutral verb this action implements. */
  readonly neutral?: NeutralVerb;
  run(ctx: ProviderContext<State, Options, Events, Meta>, conversationId: string, args: unknown): unknown;
};

/** One page of a provider's conversation listing. */
export type ConversationPage = { after: string | null; limit: number };

/** A conversation as the admin API lists it across providers. */
export type ConversationSummary = {
  provider: string;
  id: string;
  status: string;
  createdAt: number;
  participants?: string[];
  detail?: unknown;
};

/** A conversation as `listConversations` returns it: `provider` may be left out (the core sets it to the name). */
export type ListedConversation = Omit<ConversationSummary, 'provider'> & { provider?: string };

/** Conversation life signals: the scenario engine listens to these. */
export type ConversationSignal =
  | { type: 'conversation.started'; conversationId: string; data?: Record<string, unknown> }
  | { type: 'conversation.updated'; conversationId: string; data?: Record<string, unknown> }
  | { type: 'conversation.ended'; conversationId: string; data?: Record<string, unknown> };

/** Identity helper that keeps a provider definition's type parameters. */
export function defineProvider<
  State,
  Fixtures,
  Options = Record<string, never>,
  Events extends EventMap = EventMap,
  Meta extends DeliveryMeta = DeliveryMeta,
>(
  definition: ProviderDefinition<State, Fixtures, Options, Events, Meta>,
): ProviderDefinition<State, Fixtures, Options, Events, Meta> {
  return definition;
}
