/** Pure reader of the sendmessage body (reference 2.4): {conversation:{id}, type:{value}, content, attachments}. */
import { toEcho } from '../../echo.ts';
import type { Attachment } from './model-state.ts';
import { fail, type Result, succeed } from './render-errors.ts';
import { isDict, pick, toList, toText } from './rules-body.ts';

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
export function parseSendMessageBody(document: unknown): Result<SendMessageBody> {
  if (document === undefined) return fail('body.missing', 'The request body is mandatory');
  if (!isDict(document)) return fail('body.malformed', 'The request body must be an object');
  const conversationId = toText(pick(document, 'conversation.id'));
  if (!conversationId) return fail('body.required', 'conversation.id is required');
  const kind = toText(pick(document, 'type.value'));
  if (!kind) return fail('body.required', 'type.value is required');
  if (!(CLIENT_KINDS as readonly string[]).includes(kind)) {
    return fail('body.invalid', `type.value ${toEcho(kind)} is not one of ${CLIENT_KINDS.join(', ')}`);
  }
  const contentValue = document.content;
  const content = contentValue === undefined ? null : toText(contentValue);
  if (contentValue !== undefined && content === null) return fail('body.invalid', 'content must be text');
  if ((kind === 'text/plain' || kind === 'text/html') && (content === null || content.trim() === '')) {
    return fail('body.required', `content is required for ${kind} messages`);
  }
  const attachments: SendMessageBody['attachments'] = [];
  for (const entry of toList(pick(document, 'attachments.attachment'))) {
    const id = toText(pick(entry, 'id'));
    const fileName = toText(pick(entry, 'fileName'));
    if (kind === 'uploadAttachment' && !fileName)
      return fail('body.required', 'Each attachment needs fileName');
    if (kind !== 'uploadAttachment' && !id) return fail('body.required', 'Each attachment needs id');
    attachments.push({
      id,
      fileName: fileName ?? '',
      contentType: toText(pick(entry, 'contentType')) ?? 'application/octet-stream',
      size: toText(pick(entry, 'size')) ?? '0',
      contentUrl: toText(pick(entry, 'contentUrl')) ?? '',
    });
  }
  if (kind.endsWith('Attachment') && attachments.length === 0) {
    return fail('body.required', `attachments.attachment is required for ${kind}`);
  }
  const lastModified = toText(pick(document, 'entryPointConfiguration.lastModified.date'));
  return succeed({ conversationId, kind: kind as ClientKind, content, attachments, lastModified });
}
