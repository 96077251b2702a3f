// Imitates https://developers.chatwoot.com/api-reference/messages (Application API): the messages of a conversation,
// as app/controllers/api/v1/accounts/conversations/messages_controller.rb (Chatwoot 4.12) answers them.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import type { Conversation, Message } from './model.ts';
import { applyCreateMessage } from './model-conversations.ts';
import { applyMessageDeletion, applyMessageStatus } from './model-messages.ts';
import { renderMessage } from './render.ts';
import { renderMessagesMeta } from './render-conversations.ts';
import { ERROR_NOT_FOUND, refuseWith } from './render-errors.ts';
import { authorize, loadConversation, readParams, readQuery, valueOrRefuse } from './routes.ts';
import { keepAttachmentBytes, toActorSender, toRecordId } from './rules.ts';
import { parseMessageCreate } from './rules-conversations.ts';
import { listMessageIds, parseMessageQuery } from './rules-messages.ts';

const BASE = '/api/v1/accounts/:account_id/conversations/:conversation_id/messages';

/** 403 of `ensure_api_inbox` (before_action of `update`). */
const ERROR_NOT_API_INBOX = {
  status: 403,
  body: { error: 'Message status update is only allowed for API inboxes' },
};

/** `@conversation.messages.find(params[:id])`: the message of the path in the conversation, or 404. */
function loadMessage(ctx: ChatwootContext, c: Context, conv: Conversation): Message {
  const id = toRecordId(c.req.param('message_id'));
  const m = id === null ? undefined : getOwn(ctx.state().messages, String(id));
  return m && m.conversation_id === conv.id ? m : refuseWith(c, ERROR_NOT_FOUND);
}

/** Message list, create, status update and delete routes. */
export function createMessageRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  app.post(BASE, async (c) => {
    const access = authorize(ctx, c, { bots: true });
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, access);
    const inbox = getOwn(ctx.state().inboxes, String(conv.inbox_id))!;
    const files = keepAttachmentBytes(params.files, ctx.options.attachmentBytes);
    const message = valueOrRefuse(c, parseMessageCreate(params.body, inbox, files));
    const sender =
      message.message_type === 'incoming'
        ? { type: 'Contact' as const, id: conv.contact_id }
        : toActorSender(access.actor);
    const messageId = perform(ctx, applyCreateMessage, { conversationId: conv.id, message, sender });
    const s = ctx.state();
    return c.json(renderMessage(s, getOwn(s.messages, String(messageId))!), 200);
  });

  app.get(BASE, (c) => {
    const access = authorize(ctx, c, {});
    const conv = loadConversation(ctx, c, access);
    const s = ctx.state();
    const page = listMessageIds(s, conv.id, parseMessageQuery(readQuery(c)));
    return c.json(
      {
        meta: renderMessagesMeta(s, conv),
        payload: page.map((id) => renderMessage(s, getOwn(s.messages, String(id))!)),
      },
      200,
    );
  });

  const update = async (c: Context) => {
    const access = authorize(ctx, c, {});
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, access);
    if (getOwn(ctx.state().inboxes, String(conv.inbox_id))?.channel_type !== 'Channel::Api')
      refuseWith(c, ERROR_NOT_API_INBOX);
    const messageId = loadMessage(ctx, c, conv).id;
    const status = typeof params.body.status === 'string' ? params.body.status : '';
    const error = params.body.external_error;
    perform(ctx, applyMessageStatus, {
      messageId,
      status,
      externalError: typeof error === 'string' ? error : null,
    });
    const s = ctx.state();
    return c.json(renderMessage(s, getOwn(s.messages, String(messageId))!), 200);
  };
  app.patch(`${BASE}/:message_id`, update);
  app.put(`${BASE}/:message_id`, update);

  app.delete(`${BASE}/:message_id`, (c) => {
    const access = authorize(ctx, c, {});
    const conv = loadConversation(ctx, c, access);
    const messageId = loadMessage(ctx, c, conv).id;
    perform(ctx, applyMessageDeletion, { messageId });
    const s = ctx.state();
    return c.json(renderMessage(s, getOwn(s.messages, String(messageId))!), 200);
  });

  return app;
}
