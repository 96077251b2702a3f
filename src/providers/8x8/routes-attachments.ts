// Imitates the 8x8 Chat Gateway v1 attachments: https://developer.8x8.com/actions-events/reference
// (OAS reference/8x8/chat-gateway-v1.openapi.yml, tag Attachments). Gateway only: Chat API v2 has none.
import { type Context, Hono } from 'hono';
import { readBody } from '../../http.ts';
import { getOwn } from '../../own.ts';
import type { Attachment, Conversation, Ctx } from './model.ts';
import { applyAttachmentAdd } from './model-conversations.ts';
import { renderAttachment, toContentDisposition } from './render.ts';
import { toNotFound } from './render-errors.ts';
import {
  orRefuse,
  refuseWith,
  requireConversation,
  respond,
  respondList,
  type Surface,
} from './routes-surface.ts';
import { parseAttachmentUpload } from './rules-gateway.ts';

/** Upload, list, describe and download the attachments of a Gateway conversation. */
export function createAttachmentRoutes(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  const path = `${surface.base}/conversations/:id/attachments` as const;

  /** The attachments of a conversation, from its own list of ids (not a walk through every upload). */
  const attachmentsOf = (conversation: Conversation) => {
    const attachments = ctx.state().attachments;
    return conversation.attachmentIds.map((attachmentId) => getOwn(attachments, attachmentId)!);
  };
  const requireAttachment = (c: Context): Attachment => {
    const id = c.req.param('id') ?? '';
    requireConversation(c, ctx, surface, id);
    const attachmentId = c.req.param('attachmentId') ?? '';
    const attachment = getOwn(ctx.state().attachments, attachmentId);
    if (attachment?.conversationId !== id) refuseWith(c, toNotFound('Attachment', attachmentId));
    return attachment;
  };

  app.get(path, (c) =>
    respondList(
      c,
      surface,
      'attachments',
      attachmentsOf(requireConversation(c, ctx, surface, c.req.param('id'))),
      {
        sortable: ['id', 'filename', 'createdAt'],
        defaultSort: 'id:asc',
        render: renderAttachment,
      },
    ),
  );

  app.post(path, async (c) => {
    const id = c.req.param('id');
    requireConversation(c, ctx, surface, id);
    const body = await readBody(c, ['multipart']);
    const form = body.ok && body.kind === 'multipart' ? (body.value as Record<string, unknown>) : undefined;
    const { file, authorType } = orRefuse(c, parseAttachmentUpload(form), surface.errors.invalid);
    const bytes = Buffer.from(await file.arrayBuffer());
    const attachment: Attachment = {
      id: ctx.random.id(43),
      conversationId: id,
      filename: file.name || 'attachment',
      contentType: file.type || 'application/octet-stream',
      sizeInBytes: bytes.length,
      createdAt: ctx.clock.now(),
      authorType,
      origin: new URL(c.req.url).origin,
      contentBase64: bytes.toString('base64'),
    };
    ctx.update((draft) => applyAttachmentAdd(draft, attachment));
    return respond(c, surface, renderAttachment(attachment));
  });

  app.get(`${path}/:attachmentId`, (c) => respond(c, surface, renderAttachment(requireAttachment(c))));

  app.get(`${path}/:attachmentId/content`, (c) => {
    const attachment = requireAttachment(c);
    return c.body(new Uint8Array(Buffer.from(attachment.contentBase64, 'base64')), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': toContentDisposition(attachment.filename),
    });
  });

  return app;
}
