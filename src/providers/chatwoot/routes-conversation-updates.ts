// Imitates https://developers.chatwoot.com/api-reference/conversations (Application API): updates of one
// conversation, as conversations_controller.rb and conversations/labels_controller.rb (Chatwoot 4.12) answer them.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import { findLastIncoming } from './model.ts';
import {
  applyConversationRemoval,
  applyConversationUpdate,
  applyLastSeen,
  applyMute,
} from './model-updates.ts';
import { renderConversation } from './render-conversations.ts';
import { ERROR_NOT_ALLOWED, refuseWith } from './render-errors.ts';
import { authorize, loadConversation, readParams, valueOrRefuse } from './routes.ts';
import { type Actor, toActorSender } from './rules.ts';
import { parseCustomAttributes, parseLabels, parsePriority, parseTranscript } from './rules-updates.ts';

const BASE = '/api/v1/accounts/:account_id/conversations/:conversation_id';

const viewerAgent = (actor: Actor) => (actor.kind === 'user' ? actor.agent : null);

/** Update, delete, priority, labels, custom attributes, mute, last seen and transcript routes. */
export function createConversationUpdateRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  /** The conversation partial of a conversation after a change. */
  const answer = (c: Context, conversationId: number, actor: Actor) =>
    c.json(
      renderConversation(
        ctx.state(),
        getOwn(ctx.state().conversations, String(conversationId))!,
        viewerAgent(actor),
      ),
      200,
    );

  const update = async (c: Context) => {
    const access = authorize(ctx, c, { bots: true });
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, access);
    const conversationId = conv.id;
    if (params.body.priority !== undefined) {
      const priority = valueOrRefuse(c, parsePriority(params.body));
      perform(ctx, applyConversationUpdate, {
        conversationId,
        changes: { priority },
        by: toActorSender(access.actor),
      });
    }
    return answer(c, conversationId, access.actor);
  };
  app.patch(BASE, update);
  app.put(BASE, update);

  app.delete(BASE, (c) => {
    const access = authorize(ctx, c, {});
    const conv = loadConversation(ctx, c, access);
    // ConversationPolicy#destroy?: administrators only.
    if (access.actor.kind !== 'user' || access.actor.agent.role !== 'administrator')
      refuseWith(c, ERROR_NOT_ALLOWED);
    perform(ctx, applyConversationRemoval, { conversationId: conv.id });
    return c.body(null, 200);
  });

  app.post(`${BASE}/toggle_priority`, async (c) => {
    const access = authorize(ctx, c, { bots: true });
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, access);
    const priority = valueOrRefuse(c, parsePriority(params.body));
    perform(ctx, applyConversationUpdate, {
      conversationId: conv.id,
      changes: { priority },
      by: toActorSender(access.actor),
    });
    return c.body(null, 200);
  });

  app.post(`${BASE}/custom_attributes`, async (c) => {
    const access = authorize(ctx, c, { bots: true });
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, access);
    const attrs = valueOrRefuse(c, parseCustomAttributes(params.body));
    const conversationId = conv.id;
    perform(ctx, applyConversationUpdate, { conversationId, changes: { custom_attributes: attrs } });
    const updated = getOwn(ctx.state().conversations, String(conversationId))!;
    return c.json({ custom_attributes: updated.custom_attributes }, 200);
  });

  app.get(`${BASE}/labels`, (c) => {
    const access = authorize(ctx, c, {});
    return c.json({ payload: loadConversation(ctx, c, access).labels }, 200);
  });

  app.post(`${BASE}/labels`, async (c) => {
    const access = authorize(ctx, c, {});
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, access);
    const labels = valueOrRefuse(c, parseLabels(params.body));
    const conversationId = conv.id;
    perform(ctx, applyConversationUpdate, {
      conversationId,
      changes: { labels },
      by: toActorSender(access.actor),
    });
    return c.json({ payload: getOwn(ctx.state().conversations, String(conversationId))!.labels }, 200);
  });

  for (const [path, mute] of [
    ['mute', true],
    ['unmute', false],
  ] as const) {
    app.post(`${BASE}/${path}`, (c) => {
      const access = authorize(ctx, c, {});
      const conv = loadConversation(ctx, c, access);
      perform(ctx, applyMute, { conversationId: conv.id, mute, by: toActorSender(access.actor) });
      return c.body(null, 200);
    });
  }

  app.post(`${BASE}/update_last_seen`, (c) => {
    const access = authorize(ctx, c, {});
    const conv = loadConversation(ctx, c, access);
    const asAssignee = access.actor.kind === 'user' && conv.assignee_id === access.actor.agent.id;
    perform(ctx, applyLastSeen, { conversationId: conv.id, seenAt: ctx.clock.now(), asAssignee });
    return answer(c, conv.id, access.actor);
  });

  app.post(`${BASE}/unread`, (c) => {
    const access = authorize(ctx, c, {});
    const conv = loadConversation(ctx, c, access);
    // One second before the last incoming message, so that it counts as unread again (nil without one).
    const last = findLastIncoming(ctx.state(), conv.id);
    const seenAt = last ? last.created_at - 1000 : null;
    perform(ctx, applyLastSeen, { conversationId: conv.id, seenAt, asAssignee: true });
    return answer(c, conv.id, access.actor);
  });

  app.post(`${BASE}/transcript`, async (c) => {
    const access = authorize(ctx, c, {});
    const params = await readParams(c);
    loadConversation(ctx, c, access);
    valueOrRefuse(c, parseTranscript(params.body));
    // The e-mail itself is not sent (the simulator has no mailer); Chatwoot answers head :ok.
    return c.body(null, 200);
  });

  return app;
}
