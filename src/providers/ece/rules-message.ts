/**
 * Pure rules of sendmessage (reference 2.4): the body {conversation:{id}, type:{value}, content, attachments},
 * and what it may do in the conversation it names.
 */
import { toEcho } from '../../echo.ts';
import { getOwn, isRecord } from '../../own.ts';
import { ok, type Result } from '../../provider/index.ts';
import { findAttachment } from './model.ts';
import type { Attachment, ClientApplication, EceState } from './model-state.ts';
import { type EceError, failWith } from './render-errors.ts';
import { pick, toList, toText } from './rules-body.ts';
import { isSameLastModified } from './rules-date.ts';

/** The message kinds a client application may send (simulator choice: `complete` ends the conversation). */
export const CLIENT_KINDS = [
  'text/plain',
  'text/html',
  'startTyping',
  'endTyping',
  'uploadAttachment',
  'acceptAttachment',
  'rejectAttachment',
  'complete',
] as const;

/** A kind of message a client application sends. */
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** A sendmessage body, once valid. */
export type SendMessageBody = {
  conversationId: string;
  kind: ClientKind;
  content: string | null;
  attachments: Array<Omit<Attachment, 'id'> & { id: string | null }>;
  lastModified: string | null;
};

/** Reads a sendmessage body: {conversation:{id}, type:{value}, content, attachments:{attachment:[...]}}. */
export function parseSendMessageBody(document: unknown): Result<SendMessageBody, EceError> {
  if (document === undefined) return failWith('body.missing', 'The request body is mandatory');
  if (!isRecord(document)) return failWith('body.malformed', 'The request body must be an object');
  const conversationId = toText(pick(document, 'conversation.id'));
  if (!conversationId) return failWith('body.required', 'conversation.id is required');
  const kind = toText(pick(document, 'type.value'));
  if (!kind) return failWith('body.required', 'type.value is required');
  if (!(CLIENT_KINDS as readonly string[]).includes(kind)) {
    return failWith('body.invalid', `type.value ${toEcho(kind)} is not one of ${CLIENT_KINDS.join(', ')}`);
  }
  const contentValue = document.content;
  const content = contentValue === undefined ? null : toText(contentValue);
  if (contentValue !== undefined && content === null) return failWith('body.invalid', 'content must be text');
  if ((kind === 'text/plain' || kind === 'text/html') && (content === null || content.trim() === '')) {
    return failWith('body.required', `content is required for ${kind} messages`);
  }
  const attachments: SendMessageBody['attachments'] = [];
  for (const entry of toList(pick(document, 'attachments.attachment'))) {
    const id = toText(pick(entry, 'id'));
    const fileName = toText(pick(entry, 'fileName'));
    if (kind === 'uploadAttachment' && !fileName)
      return failWith('body.required', 'Each attachment needs fileName');
    if (kind !== 'uploadAttachment' && !id) return failWith('body.required', 'Each attachment needs id');
    attachments.push({
      id,
      fileName: fileName ?? '',
      contentType: toText(pick(entry, 'contentType')) ?? 'application/octet-stream',
      size: toText(pick(entry, 'size')) ?? '0',
      contentUrl: toText(pick(entry, 'contentUrl')) ?? '',
    });
  }
  if (kind.endsWith('Attachment') && attachments.length === 0) {
    return failWith('body.required', `attachments.attachment is required for ${kind}`);
  }
  const lastModified = toText(pick(document, 'entryPointConfiguration.lastModified.date'));
  return ok({ conversationId, kind: kind as ClientKind, content, attachments, lastModified });
}

/**
 * Checks a sendmessage against the state: the conversation exists, was started by this client application and
 * is not completed, the entry point date is current when given, and accepted or rejected attachments are the
 * agent's uploads in this conversation.
 */
export function assertSendMessage(
  state: EceState,
  app: ClientApplication,
  message: SendMessageBody,
): Result<true, EceError> {
  const id = toEcho(message.conversationId);
  const conversation = getOwn(state.conversations, message.conversationId);
  if (!conversation) return failWith('conversation.notFound', `Conversation ${id} does not exist`);
  if (conversation.clientKey !== app.key) {
    return failWith(
      'conversation.notOwned',
      `Conversation ${id} was not started by client application ${toEcho(app.key)}`,
    );
  }
  if (conversation.status === 'completed') {
    return failWith('conversation.completed', `Conversation ${id} has already been completed`);
  }
  const entryPoint = getOwn(state.entryPoints, conversation.entryPointId);
  if (
    message.lastModified !== null &&
    entryPoint &&
    !isSameLastModified(message.lastModified, entryPoint.lastModified)
  ) {
    return failWith(
      'entryPoint.stale',
      `lastModified.date ${toEcho(message.lastModified)} does not match ${toEcho(entryPoint.lastModified)}`,
    );
  }
  if (message.kind === 'acceptAttachment' || message.kind === 'rejectAttachment') {
    for (const attachment of message.attachments) {
      if (!findAttachment(state, conversation, 'toClient', attachment.id)) {
        return failWith(
          'body.invalid',
          `Attachment ${toEcho(attachment.id)} was not uploaded by the agent in this conversation`,
        );
      }
    }
  }
  return ok(true);
}
