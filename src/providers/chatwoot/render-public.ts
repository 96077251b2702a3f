// The Client (public) API answers: app/views/public/api/v1/models/_{contact,conversation,message}.json.jbuilder and
// the inboxes/* views that wrap them (Chatwoot 4.12).
import { getOwn } from '../../own.ts';
import {
  type ChatwootState,
  type ContactInbox,
  type Conversation,
  MESSAGE_TYPES,
  type Message,
} from './model.ts';
import { renderAttachment, renderSenderEvent, toSeconds, toSecondsOrZero } from './render.ts';

/** The public contact answer: source id, pubsub token and the `public/api/v1/models/_contact` partial. */
export function renderPublicContact(s: ChatwootState, ci: ContactInbox): Record<string, unknown> {
  const contact = getOwn(s.contacts, String(ci.contact_id))!;
  return {
    source_id: ci.source_id,
    pubsub_token: `pubsub-${ci.id}`,
    id: contact.id,
    name: contact.name,
    email: contact.email,
    phone_number: contact.phone_number,
  };
}

/** `public/api/v1/models/_message.json.jbuilder`. */
export function renderPublicMessage(
  s: ChatwootState,
  m: Message,
  displayId: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.id,
    content: m.content,
    message_type: MESSAGE_TYPES[m.message_type],
    content_type: m.content_type,
    content_attributes: m.content_attributes,
    created_at: toSeconds(m.created_at),
    conversation_id: displayId,
  };
  if (m.attachments.length > 0) out.attachments = m.attachments.map((a) => renderAttachment(a, m));
  const sender = renderSenderEvent(s, m);
  if (sender) out.sender = sender;
  return out;
}

/** The public messages of a conversation (`messages.chat`: not private, not activity), oldest first. */
export function listPublicMessages(s: ChatwootState, conv: Conversation): Array<Record<string, unknown>> {
  const ids = getOwn(s.index.conversations, String(conv.id))?.messageIds ?? [];
  const out: Array<Record<string, unknown>> = [];
  // A conversation's own messages: what the partial renders, whatever the store holds.
  for (let i = 0; i < ids.length; i++) {
    const m = getOwn(s.messages, String(ids[i]))!;
    if (!m.private && m.message_type !== 'activity') out.push(renderPublicMessage(s, m, conv.display_id));
  }
  return out;
}

/** `public/api/v1/models/_conversation.json.jbuilder`. */
export function renderPublicConversation(s: ChatwootState, conv: Conversation): Record<string, unknown> {
  const contact = getOwn(s.contacts, String(conv.contact_id))!;
  return {
    id: conv.display_id,
    uuid: conv.uuid,
    inbox_id: conv.inbox_id,
    contact_last_seen_at: toSecondsOrZero(conv.contact_last_seen_at),
    status: conv.status,
    agent_last_seen_at: toSecondsOrZero(conv.agent_last_seen_at),
    messages: listPublicMessages(s, conv),
    contact: { id: contact.id, name: contact.name, email: contact.email, phone_number: contact.phone_number },
  };
}
