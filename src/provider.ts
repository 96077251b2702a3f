import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from './clock.ts';
import type { Random } from './random.ts';

/**
 * The contract every provider plug-in fulfils. A provider is a folder under src/providers/<name>/ whose
 * index.ts exports one `ProviderDefinition`; the core knows nothing else about it.
 */
export type ProviderDefinition<State = unknown, Fixtures = unknown, Options = unknown> = {
  /** Folder name and key everywhere (journal, admin API, scenarios): 'ece', '8x8', 'chatwoot', 'airkit'. */
  name: string;
  /** Human title printed by the CLI. */
  title: string;
  /** Path prefixes this provider owns; used to explain unmatched routes and pick the error envelope. */
  basePaths: readonly string[];
  /** Schema of one fixture file (every top-level key optional); files are merged, then `createState` runs. */
  fixtures: z.ZodType<Fixtures>;
  /** Checks across merged fixture files (references between collections); returns problems as `path: message`. */
  checkFixtures?(fixtures: Fixtures): string[];
  /** Runtime options (CLI `--option <provider>.<key>=<value>`, library `providerOptions`). */
  options?: z.ZodType<Options>;
  /** Builds the provider's initial state from its merged fixtures. Called at first start and on reset. */
  createState(fixtures: Fixtures, ctx: ProviderContext<State, Options>): State;
  /**
   * Called once the state is ready: at start (fresh or restored from a store file) and after each reset.
   * Timers do not survive a restart; this is where a provider arms again the ones its state still needs.
   */
  onStart?(ctx: ProviderContext<State, Options>): void;
  /** Builds the provider's routes; paths are absolute (they include the base path). */
  createRoutes(ctx: ProviderContext<State, Options>): Hono;
  /** Renders the provider's own error envelope for errors the core detects. */
  renderError(c: Context, error: CoreError, ctx: ProviderContext<State, Options>): Response;
  /** Webhook delivery policy and signing. */
  webhooks?: WebhookPolicy<State, Options>;
  /** Agent and customer actions, callable from the admin API and scenarios (`agent.say`, `customer.leave`...). */
  actions?: Record<string, ProviderAction<State, Options>>;
  /**
   * Summaries of this provider's conversations for the cross-provider admin listing, in the provider's own order:
   * the ones after `page.after` (an id this listing returned; null = from the first), at most `page.limit`.
   * A provider that ignores `page` may return them all (the core cuts the page, at a cost that grows).
   * The core stamps each summary's `provider` with this provider's `name`.
   */
  listConversations(state: State, page: ConversationPage): ListedConversation[];
  /** Provider-specific admin routes, mounted under /__admin/providers/<name>. */
  createAdminRoutes?(ctx: ProviderContext<State, Options>): Hono;
  /**
   * Deletes one ended conversation and everything kept for it (messages, index entries), for `--retain`.
   * Called only for conversations the provider reported ended; a conversation already gone is ignored.
   */
  expireConversation?(ctx: ProviderContext<State, Options>, conversationId: string): void;
};

/** A provider of any state, fixture and option types: what a list of providers holds. */
// biome-ignore lint/suspicious/noExplicitAny: providers differ in state, fixture and option types.
export type AnyProvider = ProviderDefinition<any, any, any>;

/** What the core hands a provider: its state, time, randomness, and the webhook dispatcher. */
export type ProviderContext<State = unknown, Options = unknown> = {
  readonly name: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly options: Options;
  /** The current state. Treat as read-only: change it only through `update`. */
  state(): State;
  /**
   * Applies a change atomically (a mutative draft): if `recipe` throws, nothing is written. The store file is
   * flushed soon after, coalesced with other changes.
   */
  update<T>(recipe: (draft: State) => T): T;
  /** Queues a webhook for asynchronous, ordered (per conversation), retried delivery. Returns the event id. */
  emit(event: WebhookEvent): string;
  /** Sends one webhook now and returns the receiver's answer; recorded, never retried (e.g. verify calls). */
  deliverNow(event: WebhookEvent): Promise<DeliveryAttempt>;
  /** Runs `task` after `delayMs` on the simulator clock; `idle()` waits for it on a real clock. */
  schedule(delayMs: number, task: () => unknown): { cancel(): void };
  /** Tells the core (and scenarios) about a conversation's life. */
  notify(signal: ConversationSignal): void;
  /** Logs through the simulator's logger. */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: unknown): void;
};

/** An error the core detects before or around a provider route. */
export type CoreError = {
  status: number;
  kind: 'not-found' | 'payload-too-large' | 'fault' | 'internal';
  message: string;
};

/** One webhook the provider wants delivered. */
export type WebhookEvent = {
  /** Event type in the provider's words ('AGENT_JOINED', 'message_created', 'text/plain'). */
  type: string;
  url: string;
  /** Deliveries with the same key are sent in order, one at a time. Usually the conversation id. */
  orderKey?: string;
  conversationId?: string;
  /** A string is sent as is; anything else is sent as JSON. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Free data for the provider's `sign` and `onSettled` hooks. */
  meta?: Record<string, unknown>;
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
export type Delivery = {
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
  meta: Record<string, unknown>;
  /** Why the delivery settled as it did (e.g. the queue limit that dropped it); absent when nothing to add. */
  note?: string;
};

/** True once a delivery is over: delivered, failed for good, or dropped (its destination's queue was full). */
export function isSettled(delivery: Pick<Delivery, 'state'>): boolean {
  return delivery.state === 'delivered' || delivery.state === 'failed' || delivery.state === 'dropped';
}

/** Delivery policy of a provider. */
export type WebhookPolicy<State = unknown, Options = unknown> = {
  /** Delays before each retry, in ms; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** How long to wait for the receiver's answer. */
  timeoutMs: number;
  /** Headers to add to one attempt (signatures, retry counters). Called on every attempt. */
  sign?(
    input: SignInput,
    ctx: ProviderContext<State, Options>,
  ): Promise<Record<string, string>> | Record<string, string>;
  /** Called once a delivery has succeeded, exhausted its retries, or been dropped (its destination was full). */
  onSettled?(delivery: Delivery, ctx: ProviderContext<State, Options>): void;
};

/** What a signing hook sees for one attempt. */
export type SignInput = {
  eventId: string;
  event: WebhookEvent;
  body: string;
  /** 0 for the first attempt, then 1, 2... */
  attempt: number;
  /** Transmission time of this attempt on the simulator clock. */
  time: number;
};

/** An agent or customer action, validated by `args`. */
export type ProviderAction<State = unknown, Options = unknown> = {
  description: string;
  args: z.ZodType;
  run(
    ctx: ProviderContext<State, Options>,
    conversationId: string,
    args: unknown,
  ): unknown | Promise<unknown>;
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

/** The provider-neutral verbs scenarios use; a provider implements the subset it supports as actions. */
export const NEUTRAL_ACTIONS = [
  'agent.join',
  'agent.say',
  'agent.typing',
  'agent.pagePush',
  'agent.transfer',
  'agent.attachment.upload',
  'agent.attachment.accept',
  'agent.attachment.reject',
  'agent.leave',
  'agent.complete',
  'customer.say',
  'customer.typing',
  'customer.leave',
  // Emit the given event body ({ type, body, ... }) to the conversation's webhook as is: for anything the
  // verbs do not cover. Scenarios' `raw` steps call it.
  'raw.event',
] as const;

/** Argument schemas of the neutral verbs, shared so that a verb takes the same arguments on every provider. */
export const neutralArgs = {
  /** agent.say, customer.say: `{ text }`. */
  text: z.object({ text: z.string().min(1) }).strict(),
  /** agent.leave, agent.complete, customer.leave: no arguments. */
  none: z.object({}).strict(),
  /** An agent or queue id: a string, or a number read as its decimal string. */
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  /** raw.event: the event type, its body, and extra headers; providers may read more keys. */
  rawEvent: z
    .object({
      type: z.string().min(1),
      body: z.unknown(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .catchall(z.unknown()),
} as const;

/** Identity helper that keeps a provider definition's type parameters. */
export function defineProvider<State, Fixtures, Options = Record<string, never>>(
  definition: ProviderDefinition<State, Fixtures, Options>,
): ProviderDefinition<State, Fixtures, Options> {
  return definition;
}
