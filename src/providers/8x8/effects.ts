// What the 8x8 provider does to the world once its state is written: the webhooks of a transition's outcome,
// auto-accept timers, conversation signals, web-hook verification calls and delivery signatures. The one place
// that calls ctx.emit, ctx.notify, ctx.schedule and ctx.deliverNow.
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import {
  createDueQueue,
  type DueQueue,
  fail,
  ok,
  type Result,
  type SignInput,
  type WebhookTarget,
} from '../../provider/index.ts';
import {
  type EightByEightMeta,
  makeSignedHeaders,
  makeVerifyEvent,
  toGatewayEvent,
  toV2Event,
  toWebhookEvent,
} from './events.ts';
import {
  type Conversation,
  type Ctx,
  type EightByEightState,
  findAvailableAgent,
  findWebhook,
  findWebhookUri,
  type Happening,
  type Outcome,
  toOpenInteraction,
} from './model.ts';
import { applyAgentJoin } from './model-agents.ts';
import { applyExpire } from './model-conversations.ts';
import { applyHandoverExpire } from './model-handover.ts';
import { toConversationIndexes } from './model-indexes.ts';
import { applyStateReplace, hasCurrentIndex, toUpgradedState } from './model-upgrade.ts';
import type { VerifyInput } from './rules-resources.ts';

/** Happenings of the agent's side: they go to the channel's web-hook even during a post-agent phase. */
const AGENT_SIDE: ReadonlySet<Happening['kind']> = new Set([
  'agent-joined',
  'agent-left',
  'agent-released',
  'agent-message',
  'agent-typing',
  'transfer',
  'queued',
]);

/**
 * The web-hook URIs one happening goes to: the channel's; during a post-agent phase the bot's web-hook instead
 * (plus the channel's with notifyChannelWebhookIfExists), but for the agent's side.
 */
function toHappeningUrls(
  state: EightByEightState,
  conversation: Conversation,
  outcome: Outcome,
  happening: Happening,
): string[] {
  const channelUrl = findWebhookUri(state, conversation);
  const handover = outcome.handover;
  if (!handover || AGENT_SIDE.has(happening.kind)) return channelUrl ? [channelUrl] : [];
  const botUrl = findWebhook(state, 'gateway', handover.webhookId)?.uri;
  const urls = botUrl ? [botUrl] : [];
  if (handover.notifyChannel && channelUrl && channelUrl !== botUrl) urls.push(channelUrl);
  return urls;
}

/**
 * Emits the webhooks of a transition (in order, keyed by conversation), schedules auto-accept for a queued
 * interaction and the end of a post-agent phase, and tells the core about the conversation's life. A happening
 * without a web-hook to go to builds no payload (nor signature): the events are only counted in one log line.
 */
export function performOutcome(ctx: Ctx, conversationId: string, outcome: Outcome): void {
  const state = ctx.state();
  const conversation = getOwn(state.conversations, conversationId);
  if (!conversation) return;
  const api = conversation.api;
  const now = ctx.clock.now();
  const unsent: string[] = [];
  for (const happening of outcome.happenings) {
    const urls = toHappeningUrls(state, conversation, outcome, happening);
    const body =
      urls.length === 0
        ? null
        : api === 'v2'
          ? toV2Event(state, conversation, happening, now)
          : toGatewayEvent(state, conversation, happening, now);
    if (urls.length === 0) unsent.push(happening.kind);
    if (body) for (const url of urls) ctx.emit(toWebhookEvent(body, { url, conversation }));
  }
  if (unsent.length > 0) {
    ctx.log(
      'warn',
      `conversation ${conversationId}: no web-hook on ${api} channel ${conversation.channelId}; ` +
        `${unsent.join(', ')} not sent`,
    );
  }
  if (outcome.queued) scheduleAutoAccept(ctx, conversationId, outcome.queued);
  if (outcome.deadline !== undefined) scheduleHandoverEnd(ctx, conversationId, outcome.deadline);
  if (outcome.signal) {
    const open = toOpenInteraction(conversation);
    ctx.notify({
      type: outcome.signal,
      conversationId,
      data: {
        api,
        agentId: open?.agentId ?? null,
        queueId: open?.queueId ?? conversation.lastQueueId,
      },
    });
  }
}

/** Ends a post-agent phase at its deadline, unless a later message moved it (the transition checks). */
function scheduleHandoverEnd(ctx: Ctx, conversationId: string, deadline: number): void {
  ctx.schedule(Math.max(0, deadline - ctx.clock.now()), () => {
    const due = getOwn(ctx.state().index.handovers, conversationId);
    if (due === undefined || due > ctx.clock.now()) return;
    const now = ctx.clock.now();
    performTransition(ctx, conversationId, (draft) => applyHandoverExpire(draft, conversationId, now));
  });
}

/** Runs a transition of one conversation and performs its outcome (a misfit throws, nothing is written). */
export function performTransition(
  ctx: Ctx,
  conversationId: string,
  transition: (draft: EightByEightState) => Outcome,
): Outcome {
  const outcome = ctx.update(transition);
  performOutcome(ctx, conversationId, outcome);
  return outcome;
}

/**
 * At start (fresh, restored, or after a reset): upgrades a store written in the first format, or builds the
 * conversation index, which a file store does not keep (derived state), from the conversations in one assignment
 * (plain objects read, no draft per conversation). Then arms auto-accept again for interactions still queued
 * (timers do not survive a restart) and the end of post-agent phases, through the index.
 */
export function performStart(ctx: Ctx): void {
  const state = ctx.state();
  const upgraded = toUpgradedState(state);
  if (upgraded) {
    ctx.log('info', 'upgrading 8x8 state from the array format to keyed collections and indexes');
    ctx.update((draft) => applyStateReplace(draft, upgraded));
  } else if (!hasCurrentIndex(state)) {
    const built = toConversationIndexes(state.conversations);
    ctx.update((draft) => {
      draft.index = built;
    });
  }
  clearAutoAccepts(ctx);
  for (const [conversationId, waiting] of toRearmedQueued(ctx.state())) {
    scheduleAutoAccept(ctx, conversationId, waiting);
  }
  for (const [conversationId, deadline] of toRearmedHandovers(ctx.state())) {
    scheduleHandoverEnd(ctx, conversationId, deadline);
  }
}

/**
 * The queued interactions in the order their auto-accept is armed again at start: by the time the interaction
 * opened, then creation order (simulator choice: the order they were queued in is not recorded, and the index's
 * key order is not kept across a restart; timers of equal delay fire in this order).
 */
function toRearmedQueued(state: EightByEightState): [string, { interactionId: string; queueId: string }][] {
  const items = Object.entries(state.index.queued).map(([id, q]) => {
    const conversation = getOwn(state.conversations, id);
    const open = conversation && toOpenInteraction(conversation);
    return { id, waiting: { ...q }, time: open?.startTime ?? 0, seq: conversation?.seq ?? 0 };
  });
  items.sort((a, b) => a.time - b.time || a.seq - b.seq);
  return items.map((item) => [item.id, item.waiting]);
}

/** The post-agent phases that end by themselves, by deadline, then creation order (armed in this order). */
function toRearmedHandovers(state: EightByEightState): [string, number][] {
  const items = Object.entries(state.index.handovers).map(([id, deadline]) => ({
    id,
    deadline,
    seq: getOwn(state.conversations, id)?.seq ?? 0,
  }));
  items.sort((a, b) => a.deadline - b.deadline || a.seq - b.seq);
  return items.map((item) => [item.id, item.deadline]);
}

/** A queued interaction an available agent accepts once its delay has passed, unless it changed meanwhile. */
type PendingAccept = { conversationId: string; interactionId: string; queueId: string };

/** Each simulator's pending auto-accepts, one queue per delay (a queue may set its own). */
const acceptQueues = new WeakMap<Ctx, Map<number, DueQueue<PendingAccept>>>();

/** Forgets the pending auto-accepts (at start and after a reset, before they are armed again from the state). */
function clearAutoAccepts(ctx: Ctx): void {
  for (const queue of acceptQueues.get(ctx)?.values() ?? []) queue.clear();
  acceptQueues.set(ctx, new Map());
}

/**
 * With auto-accept on (option, or the queue's own setting), an available agent accepts after the delay: the
 * conversation waits in the simulator's queue of auto-accepts for that delay, which one timer serves.
 */
function scheduleAutoAccept(ctx: Ctx, conversationId: string, queued: NonNullable<Outcome['queued']>): void {
  const queue = getOwn(ctx.state().queues, queued.queueId);
  if (!(queue?.autoAccept ?? ctx.options.autoAccept)) return;
  const delayMs = queue?.autoAcceptDelayMs ?? ctx.options.autoAcceptDelayMs;
  let queues = acceptQueues.get(ctx);
  if (!queues) {
    queues = new Map();
    acceptQueues.set(ctx, queues);
  }
  let accepts = queues.get(delayMs);
  if (!accepts) {
    accepts = createDueQueue({
      delayMs,
      now: () => ctx.clock.now(),
      schedule: (delay, task) => ctx.schedule(delay, task),
      run: (pending) => performAutoAccept(ctx, pending),
      // A virtual clock settles each accept's webhooks before the next accept: the same order on every run.
      oneAtATime: ctx.clock.kind === 'virtual',
    });
    queues.set(delayMs, accepts);
  }
  accepts.add({ conversationId, interactionId: queued.interactionId, queueId: queued.queueId });
}

function performAutoAccept(ctx: Ctx, { conversationId, interactionId, queueId }: PendingAccept): void {
  const state = ctx.state();
  const waiting = getOwn(state.index.queued, conversationId);
  // The interaction may have been accepted, transferred or ended meanwhile.
  if (!waiting || waiting.interactionId !== interactionId || waiting.queueId !== queueId) return;
  if (!findAvailableAgent(state, queueId)) return;
  try {
    performTransition(ctx, conversationId, (draft) => applyAgentJoin(draft, conversationId, undefined));
  } catch (error) {
    ctx.log('error', `auto-accept of conversation ${conversationId} failed`, error);
  }
}

/** Deletes an ended conversation for `--retain`. */
export function performExpire(ctx: Ctx, conversationId: string): void {
  ctx.update((draft) => applyExpire(draft, conversationId));
}

/** Sends WEB_HOOK_VERIFY to the uri now; returns null when it answered 2xx, else why it failed. */
export async function performWebhookVerify(ctx: Ctx, input: VerifyInput): Promise<string | null> {
  const attempt = await ctx.deliverNow({
    type: 'WEB_HOOK_VERIFY',
    url: input.uri,
    body: makeVerifyEvent(input.version),
  });
  if (attempt.ok) return null;
  return attempt.status === null ? (attempt.error ?? 'no answer') : `HTTP ${attempt.status}`;
}

/** Where a conversation's webhooks go: its channel's web-hook (the core's raw.event posts there). */
export function toWebhookTargets(
  ctx: Ctx,
  conversationId: string,
): Result<WebhookTarget<EightByEightMeta>[]> {
  const state = ctx.state();
  const conversation = getOwn(state.conversations, conversationId);
  if (!conversation) return fail(`Conversation ${toEcho(conversationId)} was not found.`);
  const url = findWebhookUri(state, conversation);
  if (!url) {
    return fail(
      `Conversation ${toEcho(conversationId)} has no webhook: its ${conversation.api} channel ${conversation.channelId} is gone or has no web-hook.`,
    );
  }
  return ok([{ url, meta: { api: conversation.api } }]);
}

/** The six x-8x8-* headers of one delivery attempt: the tenant's ids and key, this attempt's retry and time. */
export function signDelivery(input: SignInput<EightByEightMeta>, ctx: Ctx): Promise<Record<string, string>> {
  const state = ctx.state();
  return makeSignedHeaders(
    input.body,
    { cid: state.customerId, eid: input.eventId, retry: input.attempt, tid: state.tenant, tt: input.time },
    state.signingKey,
  );
}
