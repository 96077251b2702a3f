// Imitates the 8x8 Chat Gateway v1 messages and attachments: https://developer.8x8.com/actions-events/reference
// (OAS reference/8x8/chat-gateway-v1.openapi.yml, tags Messages and Attachments).
import { Hono } from 'hono';
import { readBody } from '../../http.ts';
import { getOwn } from '../../own.ts';
import { gatewayErrors, renderProblem } from './errors.ts';
import { GATEWAY_BASE, readGatewayJson, renderGatewayList } from './gateway-http.ts';
import { checkGatewayMessage, type GatewayMessageInput } from './gateway-rules.ts';
import { applyOutcome, type Ctx, makeInteractionId, makeReferenceId } from './glue.ts';
import { type Attachment, type Conversation, findChannel, findConversation, type Message } from './model.ts';
import { renderAttachment, renderCard, renderGatewayMessage, renderJson } from './render.ts';
import { applyCustomerMessage } from './transitions.ts';

const CONVERSATIONS = `${GATEWAY_BASE}/conversations`;

/** A checked message payload as stored (cards get ids). */
export function toStoredMessage(
  ctx: Ctx,
  input: GatewayMessageInput,
  userParticipantId: string,
  now: number,
): Omit<Message, 'interactionId'> {
  return {
    id: ctx.random.id(22),
    authorType: input.authorType,
    participantId: input.authorType === 'bot' ? 'bot' : userParticipantId,
    text: input.text,
    createdAt: now,
    attachments: input.attachments,
    cards: input.cards.map((card) => ({
      id: ctx.random.id(22),
      contentType: card.contentType,
      content: card.content,
      actionSubmitted: false,
      actionExecuted: false,
    })),
    ...(input.externalProvider ? { externalProvider: input.externalProvider } : {}),
  };
}

/**
 * `Content-Disposition: attachment` for any file name (RFC 6266): an ASCII `filename` fallback (other characters,
 * quotes and backslashes as `_`) and, when that differs from the name, `filename*=UTF-8''<percent-encoded>`
 * (RFC 5987). A header value must be Latin-1 text, so the name is never written raw.
 */
export function toContentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (fallback === filename) return `attachment; filename="${fallback}"`;
  // encodeURIComponent throws on a lone surrogate: such a half character becomes U+FFFD first.
  const wellFormed = filename.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
  const encoded = encodeURIComponent(wellFormed).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** The Gateway message and attachment routes. */
export function createGatewayMessageRoutes(ctx: Ctx): Hono {
  const app = new Hono();
  const find = (id: string) => findConversation(ctx.state(), 'gateway', id);
  const notFound = (type: string, id: string) => gatewayErrors.notFound(type, id);

  app.get(`${CONVERSATIONS}/:id/messages`, (c) => {
    const conv = find(c.req.param('id'));
    if (!conv) return renderProblem(c, gatewayErrors.notFoundGeneric('Conversation', c.req.param('id')));
    return renderGatewayList(c, 'messages', conv.messages, {
      sortable: ['createdAt'],
      defaultSort: 'createdAt:desc',
      render: (m) => renderGatewayMessage(conv, m),
      key: (m) => m.createdAt,
    });
  });

  app.post(`${CONVERSATIONS}/:id/messages`, async (c) => {
    const id = c.req.param('id');
    const conv = find(id);
    if (!conv) return renderProblem(c, notFound('Conversation', id));
    const body = await readGatewayJson(c);
    if (!body.ok) return body.response;
    const attachments = ctx.state().attachments;
    const checked = checkGatewayMessage(
      body.value,
      (attachmentId) => getOwn(attachments, attachmentId)?.conversationId === id,
    );
    if (!checked.ok) {
      const first = checked.issues[0]!;
      const text = first.field.endsWith('authorType') ? first.message : `${first.field}: ${first.message}`;
      return renderProblem(c, gatewayErrors.badRequest(text, first.code, makeReferenceId(ctx)));
    }
    if (!findChannel(ctx.state(), 'gateway', conv.channelId)) {
      return renderProblem(c, notFound('Channel', conv.channelId));
    }
    const message = toStoredMessage(ctx, checked.value, conv.userParticipantId, ctx.clock.now());
    const interactionId = makeInteractionId(ctx);
    applyOutcome(
      ctx,
      id,
      ctx.update((draft) => applyCustomerMessage(draft, id, message, interactionId)),
    );
    return c.body(null, 202);
  });

  app.get(`${CONVERSATIONS}/:id/messages/:messageId`, (c) => {
    const conv = find(c.req.param('id'));
    if (!conv) return renderProblem(c, notFound('Conversation', c.req.param('id')));
    const message = conv.messages.find((m) => m.id === c.req.param('messageId'));
    if (!message) return renderProblem(c, notFound('Message', c.req.param('messageId')));
    return renderJson(c, renderGatewayMessage(conv, message), 200, true);
  });

  app.get(`${CONVERSATIONS}/:id/messages/:messageId/cards`, (c) => {
    const conv = find(c.req.param('id'));
    if (!conv) return renderProblem(c, gatewayErrors.notFoundGeneric('Conversation', c.req.param('id')));
    const message = conv.messages.find((m) => m.id === c.req.param('messageId'));
    if (!message) return renderProblem(c, gatewayErrors.notFoundGeneric('Message', c.req.param('messageId')));
    return renderGatewayList(c, 'cards', message.cards, {
      sortable: ['createdAt', 'id'],
      defaultSort: 'id:asc',
      render: renderCard,
      key: (card, field) => (field === 'createdAt' ? message.createdAt : card.id),
    });
  });

  /** The attachments of a conversation, from its own list of ids (not a walk through every upload). */
  const attachmentsOf = (conv: Conversation) => {
    const attachments = ctx.state().attachments;
    return conv.attachmentIds.map((attachmentId) => getOwn(attachments, attachmentId)!);
  };

  app.get(`${CONVERSATIONS}/:id/attachments`, (c) => {
    const id = c.req.param('id');
    const conv = find(id);
    if (!conv) return renderProblem(c, notFound('Conversation', id));
    return renderGatewayList(c, 'attachments', attachmentsOf(conv), {
      sortable: ['id', 'filename', 'createdAt'],
      defaultSort: 'id:asc',
      render: renderAttachment,
    });
  });

  app.post(`${CONVERSATIONS}/:id/attachments`, async (c) => {
    const id = c.req.param('id');
    if (!find(id)) return renderProblem(c, notFound('Conversation', id));
    const body = await readBody(c, ['multipart']);
    const form = body.ok && body.kind === 'multipart' ? (body.value as Record<string, unknown>) : undefined;
    const file = form?.attachment;
    const authorType = form?.authorType ?? 'user';
    const problems: string[] = [];
    if (!(file instanceof File))
      problems.push('attachment: A multipart/form-data part "attachment" with a file is required.');
    if (authorType !== 'user' && authorType !== 'bot') problems.push('authorType: Must be one of bot, user.');
    if (!(file instanceof File) || problems.length > 0) {
      return renderProblem(
        c,
        gatewayErrors.generic(
          400,
          'Validation failed.',
          problems.map((message) => ({ code: 'invalid_parameter', message })),
        ),
      );
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    const attachment: Attachment = {
      id: ctx.random.id(43),
      conversationId: id,
      filename: file.name || 'attachment',
      contentType: file.type || 'application/octet-stream',
      sizeInBytes: bytes.length,
      createdAt: ctx.clock.now(),
      authorType: String(authorType),
      origin: new URL(c.req.url).origin,
      contentBase64: bytes.toString('base64'),
    };
    ctx.update((draft) => {
      draft.attachments[attachment.id] = attachment;
      getOwn(draft.conversations, id)!.attachmentIds.push(attachment.id);
    });
    return renderJson(c, renderAttachment(attachment), 200, true);
  });

  const findAttachment = (id: string, attachmentId: string) => {
    const attachment = getOwn(ctx.state().attachments, attachmentId);
    return attachment?.conversationId === id ? attachment : undefined;
  };

  app.get(`${CONVERSATIONS}/:id/attachments/:attachmentId`, (c) => {
    const id = c.req.param('id');
    if (!find(id)) return renderProblem(c, notFound('Conversation', id));
    const attachment = findAttachment(id, c.req.param('attachmentId'));
    if (!attachment) return renderProblem(c, notFound('Attachment', c.req.param('attachmentId')));
    return renderJson(c, renderAttachment(attachment), 200, true);
  });

  app.get(`${CONVERSATIONS}/:id/attachments/:attachmentId/content`, (c) => {
    const id = c.req.param('id');
    if (!find(id)) return renderProblem(c, notFound('Conversation', id));
    const attachment = findAttachment(id, c.req.param('attachmentId'));
    if (!attachment) return renderProblem(c, notFound('Attachment', c.req.param('attachmentId')));
    return c.body(new Uint8Array(Buffer.from(attachment.contentBase64, 'base64')), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': toContentDisposition(attachment.filename),
    });
  });

  return app;
}
