// Shared glue of the 8x8 routes and actions: outcomes to webhooks, auto-accept, ids, body reading.
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import { readBody } from '../../http.ts';
import type { ProviderContext } from '../../provider.ts';
import { toGatewayEvent, toV2Event } from './events.ts';
import type { EightByEightOptions } from './fixtures.ts';
import {
  type Api,
  type EightByEightState,
  findAvailableAgent,
  type Outcome,
  toOpenInteraction,
} from './model.ts';
import { applyAgentJoin } from './transitions.ts';

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
  const channel = state.channels.find((c) => c.api === api && c.id === channelId);
  return channel && state.webhooks.find((w) => w.api === api && w.id === channel.webHookId)?.uri;
}

/**
 * Emits the webhooks of a transition (in order, keyed by conversation), schedules auto-accept for a queued
 * interaction, and tells the core about the conversation's life.
 */
export function applyOutcome(ctx: Ctx, conversationId: string, outcome: Outcome): void {
  const state = ctx.state();
  const conversation = state.conversations.find((c) => c.id === conversationId);
  if (!conversation) return;
  const uri = findWebhookUri(state, conversation.api, conversation.channelId);
  const now = ctx.clock.now();
  for (const happening of outcome.happenings) {
    const body =
      conversation.api === 'v2'
        ? toV2Event(state, conversation, happening, now)
        : toGatewayEvent(state, conversation, happening, now);
    if (!body) continue;
    if (!uri) {
      ctx.log(
        'warn',
        `conversation ${conversationId}: no webhook on channel ${conversation.channelId}; ${body.eventType} dropped`,
      );
      continue;
    }
    ctx.emit({ type: body.eventType, url: uri, orderKey: conversationId, conversationId, body });
  }
  if (outcome.queued) scheduleAutoAccept(ctx, conversationId, outcome.queued);
  if (outcome.signal) {
    const open = toOpenInteraction(conversation);
    ctx.notify({
      type: outcome.signal,
      conversationId,
      data: {
        api: conversation.api,
        agentId: open?.agentId ?? null,
        queueId: open?.queueId ?? conversation.lastQueueId,
      },
    });
  }
}

/** Arms auto-accept again for interactions still queued in restored state (timers do not survive a restart). */
export function resumeAutoAccept(ctx: Ctx): void {
  for (const conversation of ctx.state().conversations) {
    const open = toOpenInteraction(conversation);
    if (open && !open.agentId && open.queueId) {
      scheduleAutoAccept(ctx, conversation.id, { interactionId: open.id, queueId: open.queueId });
    }
  }
}

/** With auto-accept on (option, or the queue's own setting), an available agent accepts after the delay. */
function scheduleAutoAccept(ctx: Ctx, conversationId: string, queued: NonNullable<Outcome['queued']>): void {
  const queue = ctx.state().queues.find((q) => q.id === queued.queueId);
  if (!(queue?.autoAccept ?? ctx.options.autoAccept)) return;
  const delay = queue?.autoAcceptDelayMs ?? ctx.options.autoAcceptDelayMs;
  ctx.schedule(delay, () => {
    const state = ctx.state();
    const conversation = state.conversations.find((c) => c.id === conversationId);
    const open = conversation && toOpenInteraction(conversation);
    // The interaction may have been accepted, transferred or ended meanwhile.
    if (!open || open.id !== queued.interactionId || open.agentId || open.queueId !== queued.queueId) return;
    if (!findAvailableAgent(state, queued.queueId)) return;
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
  return { ok: true, value: body.value };
}

/** The query string as a flat record (first value of each key). */
export function readQuery(c: Context): Record<string, string | undefined> {
  return c.req.query();
}

/** Compares ids: numerically when both are numbers, else as strings. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when a route of this provider (not only middleware) matches the request. */
export function isRouteMatched(c: Context): boolean {
  return matchedRoutes(c).some((route) => route.method !== 'ALL');
}
