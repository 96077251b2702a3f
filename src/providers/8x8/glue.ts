// Shared glue of the 8x8 routes and actions: outcomes to webhooks, auto-accept, ids, body reading.
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import { readBody } from '../../http.ts';
import { getOwn } from '../../own.ts';
import type { ProviderContext } from '../../provider/index.ts';
import { toGatewayEvent, toV2Event } from './events.ts';
import type { EightByEightOptions } from './fixtures.ts';
import {
  type Api,
  type EightByEightState,
  findAvailableAgent,
  findChannel,
  findWebhook,
  type Outcome,
  toOpenInteraction,
} from './model.ts';
import { checkJsonShape } from './rules.ts';
import { applyAgentJoin } from './transitions.ts';
import { upgradeState } from './upgrade.ts';

/** The context every 8x8 module receives. */
export type Ctx = ProviderContext<EightByEightState, EightByEightOptions>;

/** A new interaction id in 8x8's shape: `int-<hex time>-<random>-chat-00-<tenant>`. */
export function makeInteractionId(ctx: Ctx): string {
  return `int-${ctx.clock.now().toString(16)}-${ctx.random.id(25)}-chat-00-${ctx.state().tenant}`;
}

/** A reference id for error bodies (15 hex digits, like the documented `dacd0dd252723a2`). */
export function makeReferenceId(ctx: Ctx): string {
  return ctx.random.faker.string.hexadecimal({ length: 15, casing: 'lower', prefix: '' });
}

/** The webhook URL a conversation's events go to (through its channel), if any. */
export function findWebhookUri(state: EightByEightState, api: Api, channelId: string): string | undefined {
  const channel = findChannel(state, api, channelId);
  return channel && findWebhook(state, api, channel.webHookId)?.uri;
}

/**
 * Emits the webhooks of a transition (in order, keyed by conversation), schedules auto-accept for a queued
 * interaction, and tells the core about the conversation's life. Without a web-hook for the conversation's
 * channel no payload is built (nor signed): the events are only counted in one log line.
 */
export function applyOutcome(ctx: Ctx, conversationId: string, outcome: Outcome): void {
  const state = ctx.state();
  const conversation = getOwn(state.conversations, conversationId);
  if (!conversation) return;
  const api = conversation.api;
  const uri = outcome.happenings.length > 0 ? findWebhookUri(state, api, conversation.channelId) : undefined;
  if (uri) {
    const now = ctx.clock.now();
    for (const happening of outcome.happenings) {
      const body =
        api === 'v2'
          ? toV2Event(state, conversation, happening, now)
          : toGatewayEvent(state, conversation, happening, now);
      if (body) ctx.emit({ type: body.eventType, url: uri, orderKey: conversationId, conversationId, body });
    }
  } else if (outcome.happenings.length > 0) {
    ctx.log(
      'warn',
      `conversation ${conversationId}: no web-hook on ${api} channel ${conversation.channelId}; ` +
        `${outcome.happenings.map((h) => h.kind).join(', ')} not sent`,
    );
  }
  if (outcome.queued) scheduleAutoAccept(ctx, conversationId, outcome.queued);
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

/**
 * Arms auto-accept again for interactions still queued in restored state (timers do not survive a restart).
 * One pass over the index of queued conversations; a store written before that index existed is upgraded first.
 */
export function resumeAutoAccept(ctx: Ctx): void {
  upgradeState(ctx);
  const queued = Object.entries(ctx.state().index.queued).map(([id, q]) => [id, { ...q }] as const);
  for (const [conversationId, waiting] of queued) scheduleAutoAccept(ctx, conversationId, waiting);
}

/** With auto-accept on (option, or the queue's own setting), an available agent accepts after the delay. */
function scheduleAutoAccept(ctx: Ctx, conversationId: string, queued: NonNullable<Outcome['queued']>): void {
  const queue = getOwn(ctx.state().queues, queued.queueId);
  if (!(queue?.autoAccept ?? ctx.options.autoAccept)) return;
  const delay = queue?.autoAcceptDelayMs ?? ctx.options.autoAcceptDelayMs;
  const { interactionId, queueId } = queued;
  ctx.schedule(delay, () => {
    const state = ctx.state();
    const waiting = getOwn(state.index.queued, conversationId);
    // The interaction may have been accepted, transferred or ended meanwhile.
    if (!waiting || waiting.interactionId !== interactionId || waiting.queueId !== queueId) return;
    if (!findAvailableAgent(state, queueId)) return;
    applyOutcome(
      ctx,
      conversationId,
      ctx.update((draft) => applyAgentJoin(draft, conversationId, undefined)),
    );
  });
}

/** The JSON body of a request: the value, or why it could not be read. */
export async function readJson(
  c: Context,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const body = await readBody(c, ['json']);
  if (!body.ok) return { ok: false, message: body.message };
  const refused = checkJsonShape(body.value);
  if (refused) return { ok: false, message: refused };
  return { ok: true, value: body.value };
}

/** The query string as a flat record (first value of each key). */
export function readQuery(c: Context): Record<string, string | undefined> {
  return c.req.query();
}

/** True when a route of this provider (not only middleware) matches the request. */
export function isRouteMatched(c: Context): boolean {
  return matchedRoutes(c).some((route) => route.method !== 'ALL');
}
