// The message transitions of the chatwoot provider.
import { getOwn } from '../../own.ts';
import {
  type Attachment,
  type ChatwootState,
  type Conversation,
  getConversation,
  getEntry,
  type Message,
  type Sender,
} from './model.ts';
import { applyActivity } from './model-indexes.ts';
import { type Applied, toMessageStep } from './model-outcomes.ts';
import type { MessageInput } from './rules-conversations.ts';

/** What a new message needs: the validated input, its sender and files; ids and times come from `applyMessage`. */
export type NewMessage = Omit<MessageInput, 'files'> & {
  sender_type: Message['sender_type'];
  sender_id: number | null;
  attachments: Array<Omit<Attachment, 'id'>>;
};

/** Adds a message to a conversation and updates the conversation's activity times; returns the message id. */
export function applyMessage(
  s: ChatwootState,
  conversation: Conversation,
  input: NewMessage,
  now: number,
): number {
  s.seq.message += 1;
  const id = s.seq.message;
  const message: Message = {
    id,
    account_id: conversation.account_id,
    inbox_id: conversation.inbox_id,
    conversation_id: conversation.id,
    content: input.content,
    message_type: input.message_type,
    content_type: input.content_type,
    content_attributes: input.content_attributes,
    additional_attributes: {},
    private: input.private,
    status: 'sent',
    source_id: input.source_id,
    echo_id: input.echo_id,
    sender_type: input.sender_type,
    sender_id: input.sender_id,
    attachments: input.attachments.map((a) => {
      s.seq.attachment += 1;
      return { ...a, id: s.seq.attachment };
    }),
    created_at: now,
    updated_at: now,
  };
  s.messages[String(id)] = message;
  const entry = getEntry(s, conversation.id);
  entry.messageIds.push(id);
  if (input.message_type === 'incoming') entry.incoming += 1;
  if (input.message_type !== 'activity' && !input.private) entry.lastChatId = id;
  if (input.message_type !== 'activity') applyActivity(s, conversation, now);
  // `belongs_to :conversation, touch: true`: a touch reports no change, so it sends no conversation_updated.
  conversation.updated_at = now;
  if (input.message_type === 'incoming') {
    const contact = getOwn(s.contacts, String(conversation.contact_id));
    if (contact) contact.last_activity_at = now;
  }
  return id;
}

/** A message as a request or an action gives it, from `sender`. */
export function toNewMessage(input: MessageInput, sender: Sender): NewMessage {
  return {
    content: input.content,
    message_type: input.message_type,
    content_type: input.content_type,
    content_attributes: input.content_attributes,
    private: input.private,
    source_id: input.source_id,
    echo_id: input.echo_id,
    sender_type: sender.type,
    sender_id: sender.id,
    attachments: input.files.map((f) => {
      const { data, width, height } = f;
      return {
        file_type: toFileType(f.type),
        file_name: f.name,
        file_size: f.size,
        content_type: f.type,
        ...(data === undefined ? {} : { data }),
        width: width ?? null,
        height: height ?? null,
      };
    }),
  };
}

function toFileType(mime: string): string {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  return 'file';
}

/** Marks a message failed after its API-inbox webhook failed: message_updated, unless it was failed already. */
export function applyMessageFailure(
  s: ChatwootState,
  input: { messageId: number },
  now: number,
): Applied<void> {
  const m = getOwn(s.messages, String(input.messageId));
  if (!m || m.status === 'failed') return { value: undefined, outcome: [] };
  m.status = 'failed';
  m.updated_at = now;
  const conv = getConversation(s, m.conversation_id)!;
  return { value: undefined, outcome: [toMessageStep(s, conv, 'message_updated', m.id)] };
}

/**
 * `PATCH /messages/{id}` on an API inbox (Messages::StatusUpdateService): a known status, except `read` back to
 * `delivered`, is stored with `external_error` in content_attributes when failed; a change sends message_updated.
 * An unknown status or a refused transition changes nothing (the service returns false; the answer is 200).
 */
export function applyMessageStatus(
  s: ChatwootState,
  input: { messageId: number; status: string; externalError: string | null },
  now: number,
): Applied<void> {
  const m = getOwn(s.messages, String(input.messageId))!;
  const known = ['sent', 'delivered', 'read', 'failed'] as const;
  const status = known.find((k) => k === input.status);
  if (status === undefined || (m.status === 'read' && status === 'delivered'))
    return { value: undefined, outcome: [] };
  const attrs = { ...m.content_attributes };
  if (status === 'failed') attrs.external_error = input.externalError;
  else delete attrs.external_error;
  if (m.status === status && JSON.stringify(attrs) === JSON.stringify(m.content_attributes))
    return { value: undefined, outcome: [] };
  m.status = status;
  m.content_attributes = attrs;
  m.updated_at = now;
  const conv = getConversation(s, m.conversation_id)!;
  return { value: undefined, outcome: [toMessageStep(s, conv, 'message_updated', m.id)] };
}

/** The content a deleted message keeps (`conversations.messages.deleted` in config/locales/en.yml). */
export const DELETED_CONTENT = 'This message was deleted';

/**
 * `DELETE /messages/{id}`: the message stays, as text 'This message was deleted' with `content_attributes:
 * {deleted: true}` and no attachments; message_updated reports it.
 */
export function applyMessageDeletion(
  s: ChatwootState,
  input: { messageId: number },
  now: number,
): Applied<void> {
  const m = getOwn(s.messages, String(input.messageId))!;
  m.content = DELETED_CONTENT;
  m.content_type = 'text';
  m.content_attributes = { deleted: true };
  m.attachments = [];
  m.updated_at = now;
  const conv = getConversation(s, m.conversation_id)!;
  return { value: undefined, outcome: [toMessageStep(s, conv, 'message_updated', m.id)] };
}
