import { toIso } from '../../clock.ts';
import { getOwn } from '../../own.ts';
import type { Agent, AgentBot, Attachment, ChatwootState, Contact, Message } from './model.ts';
import { countUnread, getConversation, MESSAGE_TYPES } from './model.ts';
import { toAttachmentKey } from './rules-attachments.ts';

/** Epoch ms to Chatwoot's integer epoch seconds. */
export const toSeconds = (ms: number): number => Math.floor(ms / 1000);
/** Epoch ms (or null) to integer seconds, 0 when unset (as `.to_i` on nil). */
export const toSecondsOrZero = (ms: number | null): number => (ms === null ? 0 : toSeconds(ms));

/** `Contact#push_event_data` (conversation meta.sender). */
export function renderContactEvent(c: Contact): Record<string, unknown> {
  return {
    additional_attributes: c.additional_attributes,
    custom_attributes: c.custom_attributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phone_number,
    thumbnail: '',
    blocked: c.blocked,
    type: 'contact',
  };
}

/** `User#push_event_data` (meta.assignee, message sender). */
export function renderAgentEvent(a: Agent): Record<string, unknown> {
  return {
    id: a.id,
    name: a.name,
    available_name: a.name,
    avatar_url: '',
    type: 'user',
    availability_status: a.availability_status,
    thumbnail: '',
  };
}

/** `AgentBot#push_event_data`. */
export function renderBotEvent(b: AgentBot): Record<string, unknown> {
  return { id: b.id, name: b.name, avatar_url: '', type: 'agent_bot' };
}

/** The push data of a message's sender, or undefined when it has none. */
export function renderSenderEvent(s: ChatwootState, m: Message): Record<string, unknown> | undefined {
  if (m.sender_type === 'Contact') {
    const c = getOwn(s.contacts, String(m.sender_id));
    return c ? renderContactEvent(c) : undefined;
  }
  if (m.sender_type === 'User') {
    const a = getOwn(s.agents, String(m.sender_id));
    return a ? renderAgentEvent(a) : undefined;
  }
  if (m.sender_type === 'AgentBot') {
    const b = getOwn(s.agentBots, String(m.sender_id));
    return b ? renderBotEvent(b) : undefined;
  }
  return undefined;
}

/**
 * An attachment as messages and message webhooks show it (`Attachment#push_event_data`): `data_url` where
 * routes-attachments.ts serves it, `thumb_url` for images only, `width`/`height` of images (null otherwise).
 */
export function renderAttachment(a: Attachment, m: Message): Record<string, unknown> {
  const key = toAttachmentKey(m.id, a.id);
  const name = encodeURIComponent(a.file_name);
  return {
    id: a.id,
    message_id: m.id,
    file_type: a.file_type,
    account_id: m.account_id,
    extension: a.file_name.includes('.') ? a.file_name.split('.').pop() : null,
    data_url: `/rails/active_storage/blobs/redirect/${key}/${name}`,
    thumb_url:
      a.file_type === 'image' ? `/rails/active_storage/representations/redirect/${key}/thumb/${name}` : '',
    file_size: a.file_size,
    width: a.width ?? null,
    height: a.height ?? null,
    file_name: a.file_name,
  };
}

/** `Message#push_event_data`: integer `message_type`, epoch `created_at`, display id as `conversation_id`. */
export function renderMessageEvent(s: ChatwootState, m: Message): Record<string, unknown> {
  const conv = getConversation(s, m.conversation_id)!;
  const out: Record<string, unknown> = {
    id: m.id,
    content: m.content,
    account_id: m.account_id,
    inbox_id: m.inbox_id,
    conversation_id: conv.display_id,
    message_type: MESSAGE_TYPES[m.message_type],
    created_at: toSeconds(m.created_at),
    updated_at: toIso(m.updated_at),
    private: m.private,
    status: m.status,
    source_id: m.source_id,
    content_type: m.content_type,
    content_attributes: m.content_attributes,
    sender_type: m.sender_type,
    sender_id: m.sender_id,
    external_source_ids: {},
    additional_attributes: m.additional_attributes,
    processed_message_content: m.content,
    sentiment: {},
    conversation: {
      assignee_id: conv.assignee_id,
      unread_count: countUnread(s, conv),
      last_activity_at: toSeconds(conv.last_activity_at),
      contact_inbox: {
        source_id: getOwn(s.contactInboxes, String(conv.contact_inbox_id))?.source_id ?? null,
      },
    },
  };
  if (m.echo_id) out.echo_id = m.echo_id;
  if (m.attachments.length > 0) out.attachments = m.attachments.map((a) => renderAttachment(a, m));
  const sender = renderSenderEvent(s, m);
  if (sender) out.sender = sender;
  return out;
}

/** The `api/v1/models/_message.json.jbuilder` partial (messages create/list answers), in its key order. */
export function renderMessage(s: ChatwootState, m: Message): Record<string, unknown> {
  const conv = getConversation(s, m.conversation_id)!;
  const out: Record<string, unknown> = { id: m.id, content: m.content, inbox_id: m.inbox_id };
  if (m.echo_id) out.echo_id = m.echo_id;
  Object.assign(out, {
    conversation_id: conv.display_id,
    message_type: MESSAGE_TYPES[m.message_type],
    content_type: m.content_type,
    status: m.status,
    content_attributes: m.content_attributes,
    created_at: toSeconds(m.created_at),
    private: m.private,
    source_id: m.source_id,
  });
  const sender = renderSenderEvent(s, m);
  if (sender) out.sender = sender;
  if (m.attachments.length > 0) out.attachments = m.attachments.map((a) => renderAttachment(a, m));
  return out;
}
