import type { ChatwootFixtures } from './fixtures.ts';

type Attrs = Record<string, unknown>;

/** Conversation statuses (Conversation model enum). */
export const CONVERSATION_STATUSES = ['open', 'resolved', 'pending', 'snoozed'] as const;
/** A conversation status. */
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
/** Message types and their integer values (Message model enum). */
export const MESSAGE_TYPES = { incoming: 0, outgoing: 1, activity: 2, template: 3 } as const;
/** A message type name. */
export type MessageTypeName = keyof typeof MESSAGE_TYPES;

/** An account. */
export type Account = { id: number; name: string };
/** A user (agent or administrator) and its access token. */
export type Agent = {
  id: number;
  account_ids: number[];
  name: string;
  email: string;
  role: 'administrator' | 'agent';
  access_token: string;
  availability_status: 'online' | 'busy' | 'offline';
};
/** An agent bot and its access token. */
export type AgentBot = { id: number; account_id: number; name: string; access_token: string };
/** An inbox with its channel settings. */
export type Inbox = {
  id: number;
  account_id: number;
  name: string;
  channel_type: string;
  webhook_url: string | null;
  secret: string;
  website_url: string | null;
  lock_to_single_conversation: boolean;
  agent_bot_id: number | null;
  member_ids: number[];
};
/** A team. */
export type Team = {
  id: number;
  account_id: number;
  name: string;
  description: string;
  allow_auto_assign: boolean;
  agent_ids: number[];
};
/** A contact. */
export type Contact = {
  id: number;
  account_id: number;
  name: string;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  blocked: boolean;
  additional_attributes: Attrs;
  custom_attributes: Attrs;
  created_at: number;
  last_activity_at: number | null;
};
/** The link of a contact to an inbox, named by `source_id`. */
export type ContactInbox = {
  id: number;
  contact_id: number;
  inbox_id: number;
  source_id: string;
  hmac_verified: boolean;
  created_at: number;
  updated_at: number;
};
/** A conversation; `display_id` is the per-account number the API calls `id`. */
export type Conversation = {
  id: number;
  display_id: number;
  account_id: number;
  inbox_id: number;
  contact_id: number;
  contact_inbox_id: number;
  uuid: string;
  status: ConversationStatus;
  assignee_id: number | null;
  team_id: number | null;
  additional_attributes: Attrs;
  custom_attributes: Attrs;
  labels: string[];
  snoozed_until: number | null;
  priority: string | null;
  created_at: number;
  updated_at: number;
  last_activity_at: number;
  waiting_since: number | null;
  first_reply_created_at: number | null;
  agent_last_seen_at: number | null;
  contact_last_seen_at: number | null;
  assignee_last_seen_at: number | null;
};
/** An attachment kept as metadata (the simulator stores no file bytes). */
export type Attachment = {
  id: number;
  file_type: string;
  file_name: string;
  file_size: number;
  content_type: string;
};
/** A message. */
export type Message = {
  id: number;
  account_id: number;
  inbox_id: number;
  conversation_id: number;
  content: string | null;
  message_type: MessageTypeName;
  content_type: string;
  content_attributes: Attrs;
  additional_attributes: Attrs;
  private: boolean;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  source_id: string | null;
  echo_id: string | null;
  sender_type: 'Contact' | 'User' | 'AgentBot' | null;
  sender_id: number | null;
  attachments: Attachment[];
  created_at: number;
  updated_at: number;
};
/** An account webhook. */
export type Webhook = {
  id: number;
  account_id: number;
  name: string | null;
  url: string;
  subscriptions: string[];
  inbox_id: number | null;
  secret: string;
};

/** The whole chatwoot state. */
export type ChatwootState = {
  accounts: Account[];
  agents: Agent[];
  agentBots: AgentBot[];
  inboxes: Inbox[];
  teams: Team[];
  contacts: Contact[];
  contactInboxes: ContactInbox[];
  conversations: Conversation[];
  messages: Message[];
  webhooks: Webhook[];
  /** Last used ids; `displayIds` is per account. */
  seq: {
    contact: number;
    contactInbox: number;
    conversation: number;
    message: number;
    attachment: number;
    webhook: number;
    displayIds: Record<string, number>;
  };
};

/** Subscriptions a webhook gets when none are given (the webhooks table default). */
export const DEFAULT_SUBSCRIPTIONS = [
  'conversation_status_changed',
  'conversation_updated',
  'conversation_created',
  'contact_created',
  'contact_updated',
  'message_created',
  'message_updated',
  'webwidget_triggered',
] as const;

/** Events a webhook may subscribe to. */
export const WEBHOOK_EVENTS = [
  ...DEFAULT_SUBSCRIPTIONS,
  'conversation_typing_on',
  'conversation_typing_off',
  'inbox_created',
  'inbox_updated',
] as const;

const maxId = (items: ReadonlyArray<{ id: number }>) => items.reduce((m, i) => Math.max(m, i.id), 0);

/** Builds the initial state from merged fixtures; missing secrets come from `makeSecret` (seeded). */
export function createChatwootState(
  f: ChatwootFixtures,
  now: number,
  makeSecret: () => string,
): ChatwootState {
  const contacts = (f.contacts ?? []).map((c) => ({ ...c, created_at: now, last_activity_at: null }));
  const contactInboxes = (f.contact_inboxes ?? []).map((ci) => ({
    ...ci,
    hmac_verified: false,
    created_at: now,
    updated_at: now,
  }));
  const inboxes = (f.inboxes ?? []).map((i) => ({ ...i, secret: i.secret ?? makeSecret() }));
  const webhooks = (f.webhooks ?? []).map((w) => ({
    ...w,
    subscriptions: w.subscriptions ?? [...DEFAULT_SUBSCRIPTIONS],
    secret: w.secret ?? makeSecret(),
  }));
  return {
    accounts: (f.accounts ?? []).map((a) => ({ ...a })),
    agents: (f.agents ?? []).map((a) => ({ ...a, account_ids: [...a.account_ids] })),
    agentBots: (f.agent_bots ?? []).map((b) => ({ ...b })),
    inboxes,
    teams: (f.teams ?? []).map((t) => ({ ...t, agent_ids: [...t.agent_ids] })),
    contacts,
    contactInboxes,
    conversations: [],
    messages: [],
    webhooks,
    seq: {
      contact: maxId(contacts),
      contactInbox: maxId(contactInboxes),
      conversation: 0,
      message: 0,
      attachment: 0,
      webhook: maxId(webhooks),
      displayIds: {},
    },
  };
}

/** Finds a conversation by account and display id. */
export function findConversation(
  s: ChatwootState,
  accountId: number,
  displayId: number,
): Conversation | undefined {
  return s.conversations.find((c) => c.account_id === accountId && c.display_id === displayId);
}

/** The last non-activity, non-private message of a conversation (what `messages[]` shows). */
export function findLastChatMessage(s: ChatwootState, conversationId: number): Message | undefined {
  let last: Message | undefined;
  for (const m of s.messages) {
    if (m.conversation_id === conversationId && m.message_type !== 'activity' && !m.private) last = m;
  }
  return last;
}

/** What a new message needs; ids and times are filled by `applyMessage`. */
export type NewMessage = {
  content: string | null;
  message_type: MessageTypeName;
  content_type: string;
  content_attributes: Attrs;
  private: boolean;
  source_id: string | null;
  echo_id: string | null;
  sender_type: Message['sender_type'];
  sender_id: number | null;
  attachments: Array<Omit<Attachment, 'id'>>;
};

/** Adds a message to a conversation and updates the conversation's activity times; returns the message. */
export function applyMessage(
  s: ChatwootState,
  conversation: Conversation,
  input: NewMessage,
  now: number,
): Message {
  s.seq.message += 1;
  const message: Message = {
    id: s.seq.message,
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
  s.messages.push(message);
  if (input.message_type !== 'activity') conversation.last_activity_at = now;
  if (input.message_type === 'incoming' && conversation.waiting_since === null)
    conversation.waiting_since = now;
  if (input.message_type === 'outgoing' && !input.private && input.sender_type === 'User') {
    if (conversation.first_reply_created_at === null) conversation.first_reply_created_at = now;
    conversation.waiting_since = null;
  }
  conversation.updated_at = now;
  if (input.message_type === 'incoming') {
    const contact = s.contacts.find((c) => c.id === conversation.contact_id);
    if (contact) contact.last_activity_at = now;
  }
  return message;
}

/** A change of one conversation attribute, as `changed_attributes` reports it. */
export type ChangedAttribute = { name: string; previous: unknown; current: unknown };

/** Applies attribute changes to a conversation and returns what actually changed. */
export function applyConversationChanges(
  conversation: Conversation,
  changes: Partial<
    Pick<Conversation, 'status' | 'assignee_id' | 'team_id' | 'snoozed_until' | 'custom_attributes'>
  >,
  now: number,
): ChangedAttribute[] {
  const changed: ChangedAttribute[] = [];
  for (const [key, value] of Object.entries(changes) as Array<[keyof typeof changes, unknown]>) {
    if (value === undefined) continue;
    const previous = conversation[key];
    if (JSON.stringify(previous) === JSON.stringify(value)) continue;
    changed.push({ name: key, previous, current: value });
    (conversation as Record<string, unknown>)[key] = value;
  }
  if (changed.length > 0) conversation.updated_at = now;
  return changed;
}
