// The webhook payloads' data (`webhook_data` of conversations, contacts and messages), as Chatwoot's models build it.
import { toIso } from '../../clock.ts';
import { getOwn } from '../../own.ts';
import type { ChatwootState, Contact, ContactInbox, Conversation, Message } from './model.ts';
import { countUnread, findLastChatMessage, getConversation } from './model.ts';
import {
  renderAgentEvent,
  renderAttachment,
  renderContactEvent,
  renderMessageEvent,
  toSeconds,
  toSecondsOrZero,
} from './render.ts';
import type { Actor } from './rules.ts';

/** Who types, as a typing webhook names them: the user or the agent bot. */
export function renderTypingUser(actor: Actor): Record<string, unknown> {
  return actor.kind === 'user'
    ? { id: actor.agent.id, name: actor.agent.name, email: actor.agent.email, type: 'user' }
    : { id: actor.bot.id, name: actor.bot.name, type: 'agent_bot' };
}

/** `ContactInbox` as embedded in conversation webhook data. */
function renderContactInbox(ci: ContactInbox | undefined): Record<string, unknown> | null {
  if (!ci) return null;
  return {
    id: ci.id,
    contact_id: ci.contact_id,
    inbox_id: ci.inbox_id,
    source_id: ci.source_id,
    created_at: toIso(ci.created_at),
    updated_at: toIso(ci.updated_at),
    hmac_verified: ci.hmac_verified,
    pubsub_token: null,
  };
}

/**
 * `push_meta` of the presenter: `assignee` and `team` are their push data or null (the keys are always there),
 * `assignee_type` is 'User' or null (the simulator has no bot assignees), `hmac_verified` the contact inbox's.
 */
function renderPushMeta(s: ChatwootState, c: Conversation): Record<string, unknown> {
  const contact = getOwn(s.contacts, String(c.contact_id))!;
  const assignee = c.assignee_id === null ? undefined : getOwn(s.agents, String(c.assignee_id));
  const team = c.team_id === null ? undefined : getOwn(s.teams, String(c.team_id));
  return {
    sender: renderContactEvent(contact),
    assignee: assignee ? renderAgentEvent(assignee) : null,
    assignee_type: assignee ? 'User' : null,
    team: team ? { id: team.id, name: team.name } : null,
    hmac_verified: getOwn(s.contactInboxes, String(c.contact_inbox_id))?.hmac_verified ?? null,
  };
}

/** `Conversations::EventDataPresenter#push_data` (= `conversation.webhook_data`), in its key order. */
export function renderConversationWebhookData(s: ChatwootState, c: Conversation): Record<string, unknown> {
  const inbox = getOwn(s.inboxes, String(c.inbox_id))!;
  const last = findLastChatMessage(s, c.id);
  return {
    additional_attributes: c.additional_attributes,
    can_reply: true,
    channel: inbox.channel_type,
    contact_inbox: renderContactInbox(getOwn(s.contactInboxes, String(c.contact_inbox_id))),
    id: c.display_id,
    inbox_id: c.inbox_id,
    messages: last ? [renderMessageEvent(s, last)] : [],
    labels: c.labels,
    meta: renderPushMeta(s, c),
    status: c.status,
    custom_attributes: c.custom_attributes,
    snoozed_until: c.snoozed_until === null ? null : toIso(c.snoozed_until),
    unread_count: countUnread(s, c),
    first_reply_created_at: c.first_reply_created_at === null ? null : toIso(c.first_reply_created_at),
    priority: c.priority,
    waiting_since: toSecondsOrZero(c.waiting_since),
    agent_last_seen_at: toSecondsOrZero(c.agent_last_seen_at),
    contact_last_seen_at: toSecondsOrZero(c.contact_last_seen_at),
    last_activity_at: toSeconds(c.last_activity_at),
    timestamp: toSeconds(c.last_activity_at),
    created_at: toSeconds(c.created_at),
    updated_at: c.updated_at / 1000,
  };
}

/**
 * `Contact#webhook_data`: unlike `push_event_data` it has no `type` (every 4.x copy of app/models/contact.rb read);
 * clients tell a contact sender from a user (`type: 'user'`) by its absence or by `message_type`.
 */
export function renderContactWebhookData(
  s: ChatwootState,
  c: Contact,
): Record<string, unknown> & { id: number } {
  return {
    account: { id: c.account_id, name: getOwn(s.accounts, String(c.account_id))?.name ?? '' },
    additional_attributes: c.additional_attributes,
    avatar: '',
    custom_attributes: c.custom_attributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phone_number,
    thumbnail: '',
    blocked: c.blocked,
  };
}

/**
 * `ContactInbox#webhook_data` merged with `event` and `event_info` (WebhookListener#webwidget_triggered):
 * `current_conversation` is the contact inbox's last conversation, or null.
 */
export function renderWidgetTriggered(
  s: ChatwootState,
  contactInboxId: number,
  eventInfo: Record<string, unknown>,
): Record<string, unknown> & {
  event: 'webwidget_triggered';
  id: number;
  event_info: Record<string, unknown>;
} {
  const ci = getOwn(s.contactInboxes, String(contactInboxId))!;
  const contact = getOwn(s.contacts, String(ci.contact_id))!;
  const inbox = getOwn(s.inboxes, String(ci.inbox_id))!;
  const account = getOwn(s.accounts, String(inbox.account_id));
  const lastId = getOwn(s.index.lastConversationOfContactInbox, String(ci.id));
  const current = lastId === undefined ? undefined : getConversation(s, lastId);
  return {
    id: ci.id,
    contact: renderContactWebhookData(s, contact),
    inbox: { id: inbox.id, name: inbox.name },
    account: { id: inbox.account_id, name: account?.name ?? '' },
    current_conversation: current ? renderConversationWebhookData(s, current) : null,
    source_id: ci.source_id,
    event: 'webwidget_triggered',
    event_info: eventInfo,
  };
}

/** `Contact#webhook_data` / `User#webhook_data` as a message webhook's `sender`. */
function renderSenderWebhook(s: ChatwootState, m: Message): Record<string, unknown> | null {
  if (m.sender_type === 'Contact') {
    const c = getOwn(s.contacts, String(m.sender_id));
    return c ? renderContactWebhookData(s, c) : null;
  }
  if (m.sender_type === 'User') {
    const a = getOwn(s.agents, String(m.sender_id));
    return a ? { id: a.id, name: a.name, email: a.email, type: 'user' } : null;
  }
  if (m.sender_type === 'AgentBot') {
    const b = getOwn(s.agentBots, String(m.sender_id));
    return b ? { id: b.id, name: b.name, type: 'agent_bot' } : null;
  }
  return null;
}

/** `Message#webhook_data`: string `message_type`, ISO `created_at`, the conversation's webhook data. */
export function renderMessageWebhookData(
  s: ChatwootState,
  m: Message,
): Record<string, unknown> & { id: number; message_type: string } {
  const conv = getConversation(s, m.conversation_id)!;
  const inbox = getOwn(s.inboxes, String(m.inbox_id))!;
  const account = getOwn(s.accounts, String(m.account_id));
  return {
    account: { id: m.account_id, name: account?.name ?? '' },
    additional_attributes: m.additional_attributes,
    content_attributes: m.content_attributes,
    content_type: m.content_type,
    content: m.content,
    conversation: renderConversationWebhookData(s, conv),
    created_at: toIso(m.created_at),
    id: m.id,
    inbox: { id: inbox.id, name: inbox.name },
    message_type: m.message_type,
    private: m.private,
    sender: renderSenderWebhook(s, m),
    source_id: m.source_id,
    ...(m.attachments.length > 0 ? { attachments: m.attachments.map((a) => renderAttachment(a, m)) } : {}),
  };
}
