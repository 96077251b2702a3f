// Imitates https://developers.chatwoot.com/api-reference/conversations (Application API): what an agent or a bot
// does to one conversation (status, typing, assignment), as conversations_controller.rb and
// conversations/assignments_controller.rb (Chatwoot 4.12) answer it.
import { Hono } from 'hono';
import { toIso } from '../../clock.ts';
import { getOwn } from '../../own.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import { applyAssignment, applyStatusChange, applyTyping } from './model-conversations.ts';
import { renderAgent, renderAssignedTeam } from './render-resources.ts';
import { renderTypingUser } from './render-webhooks.ts';
import { authorize, loadConversation, readParams, valueOrRefuse } from './routes.ts';
import { toActorSender } from './rules.ts';
import { parseAssignment, parseToggleStatus, parseTypingStatus } from './rules-conversations.ts';

const BASE = '/api/v1/accounts/:account_id/conversations/:conversation_id';

/** Status, typing and assignment routes of one conversation. */
export function createConversationActionRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  app.post(`${BASE}/toggle_status`, async (c) => {
    const access = authorize(ctx, c, { bots: true });
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, access);
    const input = valueOrRefuse(c, parseToggleStatus(params.body, conv.status));
    const conversationId = conv.id;
    perform(ctx, applyStatusChange, {
      conversationId,
      status: input.status,
      snoozedUntil: input.snoozed_until,
      by: toActorSender(access.actor),
    });
    const updated = getOwn(ctx.state().conversations, String(conversationId))!;
    return c.json(
      {
        meta: {},
        payload: {
          success: true,
          conversation_id: updated.display_id,
          current_status: updated.status,
          snoozed_until: updated.snoozed_until === null ? null : toIso(updated.snoozed_until),
        },
      },
      200,
    );
  });

  app.post(`${BASE}/toggle_typing_status`, async (c) => {
    const access = authorize(ctx, c, {});
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, access);
    const input = valueOrRefuse(c, parseTypingStatus(params.body));
    perform(ctx, applyTyping, {
      conversationId: conv.id,
      on: input.on,
      user: renderTypingUser(access.actor),
      isPrivate: input.isPrivate,
    });
    return c.body(null, 200);
  });

  app.post(`${BASE}/assignments`, async (c) => {
    const access = authorize(ctx, c, { bots: true });
    const { accountId } = access;
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, access);
    const plan = valueOrRefuse(c, parseAssignment(params.body, ctx.state(), accountId));
    const conversationId = conv.id;
    perform(ctx, applyAssignment, { conversationId, plan, by: toActorSender(access.actor) });
    const s = ctx.state();
    const updated = getOwn(s.conversations, String(conversationId))!;
    if (plan.kind === 'agent' && updated.assignee_id !== null) {
      return c.json(renderAgent(getOwn(s.agents, String(updated.assignee_id))!, accountId), 200);
    }
    if (plan.kind === 'team' && updated.team_id !== null) {
      return c.json(renderAssignedTeam(getOwn(s.teams, String(updated.team_id))!), 200);
    }
    return c.json(null, 200);
  });

  return app;
}
