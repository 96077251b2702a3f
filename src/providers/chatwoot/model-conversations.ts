// The conversation and message transitions of the chatwoot provider. The `apply*` that take an input object are
// what routes and actions run (through effects.ts): each returns its value and what happened (events, signals).
import { getOwn } from '../../own.ts';
import {
  type ChatwootState,
  type Conversation,
  type ConversationStatus,
  getConversation,
  type Message,
  type Sender,
  toConversationKey,
} from './model.ts';
import { applyActivityMessages, listActivityTexts } from './model-activity.ts';
import { applyActivity, indexNewConversation } from './model-indexes.ts';
import { applyMessage, toNewMessage } from './model-messages.ts';
import {
  type Applied,
  type ChangedAttribute,
  type Outcome,
  toChangeSteps,
  toConversationStep,
  toMessageStep,
  toTypingStep,
} from './model-outcomes.ts';
import { applyContactInbox } from './model-resources.ts';
import type { AssignmentPlan, CreateConversationPlan, MessageInput } from './rules-conversations.ts';

type Attrs = Record<string, unknown>;

/** What a new conversation needs; ids, times and the rest are filled by `applyConversation`. */
export type NewConversation = Pick<
  Conversation,
  | 'account_id'
  | 'inbox_id'
  | 'contact_id'
  | 'contact_inbox_id'
  | 'uuid'
  | 'status'
  | 'assignee_id'
  | 'team_id'
  | 'additional_attributes'
  | 'custom_attributes'
  | 'snoozed_until'
>;

/** Adds a conversation with the next display id of its account and indexes it; returns its id. */
export function applyConversation(s: ChatwootState, input: NewConversation, now: number): number {
  s.seq.conversation += 1;
  const id = s.seq.conversation;
  const accountKey = String(input.account_id);
  const displayId = (getOwn(s.seq.displayIds, accountKey) ?? 0) + 1;
  s.seq.displayIds[accountKey] = displayId;
  // A new conversation is the latest activity.
  s.seq.rank += 1;
  s.conversations[String(id)] = {
    id,
    display_id: displayId,
    ...input,
    labels: [],
    priority: null,
    created_at: now,
    updated_at: now,
    last_activity_at: now,
    waiting_since: now,
    first_reply_created_at: null,
    agent_last_seen_at: null,
    contact_last_seen_at: null,
    assignee_last_seen_at: null,
    rank: s.seq.rank,
  };
  s.index.lastConversationOfContactInbox[String(input.contact_inbox_id)] = id;
  s.index.conversationsOfContact ??= {};
  const ofContact = getOwn(s.index.conversationsOfContact, String(input.contact_id));
  if (ofContact) ofContact.push(id);
  else s.index.conversationsOfContact[String(input.contact_id)] = [id];
  indexNewConversation(s, getConversation(s, id)!);
  return id;
}

/** Whether an inbox has an active agent bot (Inbox#active_bot?). */
function hasActiveBot(s: ChatwootState, inboxId: number): boolean {
  return (getOwn(s.inboxes, String(inboxId))?.agent_bot_id ?? null) !== null;
}

/**
 * Attributes whose change Chatwoot records with an activity message (status, assignee, team; priority through
 * PriorityActivityMessageHandler#priority_change_activity). Moving the activity also re-files the conversation in
 * its listing bucket, which holds one priority (model-indexes.ts).
 */
const ACTIVITY_ATTRIBUTES: ReadonlySet<string> = new Set(['status', 'assignee_id', 'team_id', 'priority']);

/** Conversation attributes a transition may change, as `previous_changes` names them. */
export type ConversationChanges = Partial<
  Pick<
    Conversation,
    | 'status'
    | 'snoozed_until'
    | 'assignee_id'
    | 'team_id'
    | 'priority'
    | 'waiting_since'
    | 'first_reply_created_at'
    | 'custom_attributes'
    | 'additional_attributes'
    | 'labels'
  >
>;

/** Whether two attribute values are equal as Rails' dirty tracking compares them (JSON values by content). */
function isSameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Applies attribute changes to a conversation and returns what changed, in the order given, then `updated_at`
 * (Rails' `previous_changes`; plain values). A change of status, assignee or team is activity: Chatwoot writes an
 * activity message for it, which moves `last_activity_at` (Message#set_conversation_activity). Resolving clears
 * `waiting_since` with `update_column`, which reports no change (Conversation#handle_resolved_status_change).
 */
export function applyConversationChanges(
  s: ChatwootState,
  conversation: Conversation,
  changes: ConversationChanges,
  now: number,
): ChangedAttribute[] {
  const changed: ChangedAttribute[] = [];
  const record = conversation as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || isSameValue(record[key], value)) continue;
    const previous = record[key];
    changed.push({
      // acts_as_taggable_on reports the tags as label_list.
      name: key === 'labels' ? 'label_list' : key,
      previous: typeof previous === 'object' && previous !== null ? structuredCloneJson(previous) : previous,
      current: typeof value === 'object' && value !== null ? structuredCloneJson(value) : value,
    });
    record[key] = typeof value === 'object' && value !== null ? structuredCloneJson(value) : value;
  }
  if (changed.length === 0) return changed;
  // Every save with changes stamps updated_at. Rails' microseconds always tell two saves apart; the virtual clock
  // may not, so the change is reported even when the millisecond is the same (simulator choice).
  changed.push({ name: 'updated_at', previous: conversation.updated_at, current: now });
  conversation.updated_at = now;
  if (changes.status === 'resolved' && changed.some((c) => c.name === 'status'))
    conversation.waiting_since = null;
  if (changed.some((c) => c.name === 'status' || c.name === 'snoozed_until'))
    applySnoozeIndex(s, conversation);
  if (changed.some((c) => ACTIVITY_ATTRIBUTES.has(c.name))) applyActivity(s, conversation, now);
  return changed;
}

/** A JSON copy of a plain value (state values are JSON; drafts are never cloned with structuredClone). */
function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * What a new message changes on its conversation after it is stored (Message#dispatch_create_events): the first
 * public reply of a user sets `first_reply_created_at` and clears `waiting_since`; a later public reply of a user
 * or bot clears `waiting_since`; an incoming message sets it when unset (`update_waiting_since`).
 */
function applyReplyTimes(
  s: ChatwootState,
  conv: Conversation,
  message: Message,
  now: number,
): ChangedAttribute[] {
  const reply = message.message_type === 'outgoing' && !message.private;
  if (reply && message.sender_type === 'User' && conv.first_reply_created_at === null) {
    return applyConversationChanges(s, conv, { first_reply_created_at: now, waiting_since: null }, now);
  }
  if (
    reply &&
    conv.waiting_since !== null &&
    (message.sender_type === 'User' || message.sender_type === 'AgentBot')
  )
    return applyConversationChanges(s, conv, { waiting_since: null }, now);
  if (message.message_type === 'incoming' && conv.waiting_since === null)
    return applyConversationChanges(s, conv, { waiting_since: now }, now);
  return [];
}

/** What `POST /conversations` creates: the validated plan, the caller as the sender of an outgoing message. */
export type CreateConversationInput = {
  accountId: number;
  plan: CreateConversationPlan;
  sender: Sender;
  /** The new conversation's uuid (drawn by the caller). */
  uuid: string;
};

/**
 * Creates a conversation (or reuses the locked one), its contact inbox and initial message. A new conversation is
 * conversation_created and `conversation.started` (and `conversation.ended` when created resolved); the message is
 * message_created.
 */
export function applyCreateConversation(
  s: ChatwootState,
  input: CreateConversationInput,
  now: number,
): Applied<{ conversationId: number; messageId: number | null }> {
  const { plan, accountId } = input;
  const contactId = plan.contact.id;
  const inboxId = plan.inbox.id;
  const contactInboxId =
    'existingId' in plan.contactInbox
      ? plan.contactInbox.existingId
      : applyContactInbox(
          s,
          { contact_id: contactId, inbox_id: inboxId, source_id: plan.contactInbox.newSourceId },
          now,
        );
  const created = plan.reuseConversationId === null;
  const conversationId =
    plan.reuseConversationId ??
    applyConversation(
      s,
      {
        account_id: accountId,
        inbox_id: inboxId,
        contact_id: contactId,
        contact_inbox_id: contactInboxId,
        uuid: input.uuid,
        status: plan.status,
        assignee_id: plan.assignee_id,
        team_id: plan.team_id,
        additional_attributes: plan.additional_attributes,
        custom_attributes: plan.custom_attributes,
        snoozed_until: plan.snoozed_until,
      },
      now,
    );
  const conv = getConversation(s, conversationId)!;
  const sender: Sender =
    plan.message?.message_type === 'incoming' ? { type: 'Contact', id: contactId } : input.sender;
  const messageId = plan.message ? applyMessage(s, conv, toNewMessage(plan.message, sender), now) : null;
  const replyChanges =
    messageId === null ? [] : applyReplyTimes(s, conv, getOwn(s.messages, String(messageId))!, now);
  const outcome: Outcome = [];
  if (created) {
    const key = toConversationKey(conv);
    outcome.push(toConversationStep(s, conv, 'conversation_created', null));
    outcome.push({
      signal: {
        type: 'conversation.started',
        conversationId: key,
        data: { accountId, displayId: conv.display_id, inboxId: conv.inbox_id, status: conv.status },
      },
    });
    // Created resolved (a blocked contact, or `status: resolved` asked for): it ends as it starts.
    if (conv.status === 'resolved') {
      outcome.push({
        signal: { type: 'conversation.ended', conversationId: key, data: { status: conv.status } },
      });
    }
  }
  if (messageId !== null) outcome.push(toMessageStep(s, conv, 'message_created', messageId));
  outcome.push(...toChangeSteps(s, conv, replyChanges));
  return { value: { conversationId, messageId }, outcome };
}

/**
 * Adds a message (message_created); an incoming message reopens a resolved or snoozed conversation
 * (Message#reopen_conversation: conversation_status_changed, conversation_updated). Signals `conversation.updated`.
 */
export function applyCreateMessage(
  s: ChatwootState,
  input: { conversationId: number; message: MessageInput; sender: Sender },
  now: number,
): Applied<number> {
  const conv = getConversation(s, input.conversationId)!;
  const messageId = applyMessage(s, conv, toNewMessage(input.message, input.sender), now);
  const reopens =
    input.message.message_type === 'incoming' &&
    getOwn(s.contacts, String(conv.contact_id))?.blocked !== true &&
    (conv.status === 'resolved' || conv.status === 'snoozed');
  // Message#reopen_resolved_conversation: an inbox with an active bot takes it back as pending.
  const reopenedStatus = conv.status === 'resolved' && hasActiveBot(s, conv.inbox_id) ? 'pending' : 'open';
  const changes = reopens
    ? applyConversationChanges(s, conv, { status: reopenedStatus, snoozed_until: null }, now)
    : [];
  const message = getOwn(s.messages, String(messageId))!;
  const replyChanges = applyReplyTimes(s, conv, message, now);
  return {
    value: messageId,
    outcome: [
      toMessageStep(s, conv, 'message_created', messageId),
      ...toChangeSteps(s, conv, changes),
      ...toChangeSteps(s, conv, replyChanges),
      {
        signal: {
          type: 'conversation.updated',
          conversationId: toConversationKey(conv),
          data: { messageId, messageType: message.message_type, content: message.content },
        },
      },
    ],
  };
}

/**
 * Changes a conversation's status: conversation_status_changed then conversation_updated, when it changes; `by`
 * (Current.user, or the contact of the Client API) gets the activity message.
 */
export function applyStatusChange(
  s: ChatwootState,
  input: { conversationId: number; status: ConversationStatus; snoozedUntil: number | null; by?: Sender },
  now: number,
): Applied<void> {
  const conv = getConversation(s, input.conversationId)!;
  const changes = applyConversationChanges(
    s,
    conv,
    { status: input.status, snoozed_until: input.status === 'snoozed' ? input.snoozedUntil : null },
    now,
  );
  applyActivityMessages(s, conv, listActivityTexts(s, conv, changes, input.by), now);
  const outcome = toChangeSteps(s, conv, changes);
  if (conv.status === 'snoozed' && conv.snoozed_until !== null)
    outcome.push({ wake: { conversationId: conv.id, at: toReopenTick(conv.snoozed_until) } });
  return { value: undefined, outcome };
}

/** Keeps `index.snoozed` in step with a conversation: listed while snoozed with a `snoozed_until`. */
export function applySnoozeIndex(s: ChatwootState, c: Conversation): void {
  s.index.snoozed ??= {};
  if (c.status === 'snoozed' && c.snoozed_until !== null) s.index.snoozed[String(c.id)] = c.snoozed_until;
  else delete s.index.snoozed[String(c.id)];
}

/** ReopenSnoozedConversationsJob runs every 5 minutes (config/schedule.yml, cron '*\/5 * * * *'). */
const REOPEN_EVERY_MS = 5 * 60_000;

/** The first run of the reopen job at or after `until`. */
export function toReopenTick(until: number): number {
  return Math.ceil(until / REOPEN_EVERY_MS) * REOPEN_EVERY_MS;
}

/**
 * A run of ReopenSnoozedConversationsJob for one conversation: still snoozed and due (`snoozed_until` in
 * 3.days.ago..now), it opens (`open!`: status and snoozed_until change, with their webhooks).
 */
export function applySnoozeExpiry(
  s: ChatwootState,
  input: { conversationId: number },
  now: number,
): Applied<void> {
  const conv = getConversation(s, input.conversationId);
  // A deleted conversation leaves its entry behind: its timer drops it.
  if (!conv && s.index.snoozed) delete s.index.snoozed[String(input.conversationId)];
  const due = conv?.snoozed_until ?? null;
  if (conv?.status !== 'snoozed' || due === null || due > now || due < now - 3 * 86_400_000)
    return { value: undefined, outcome: [] };
  const changes = applyConversationChanges(s, conv, { status: 'open', snoozed_until: null }, now);
  return { value: undefined, outcome: toChangeSteps(s, conv, changes) };
}

/** Assigns an agent or a team (or removes them): conversation_updated with changed_attributes, when it changes. */
export function applyAssignment(
  s: ChatwootState,
  input: { conversationId: number; plan: AssignmentPlan; by?: Sender },
  now: number,
): Applied<void> {
  const { plan } = input;
  if (plan.kind === 'none') return { value: undefined, outcome: [] };
  const conv = getConversation(s, input.conversationId)!;
  const changes = applyConversationChanges(
    s,
    conv,
    plan.kind === 'agent' ? { assignee_id: plan.id } : { team_id: plan.id },
    now,
  );
  applyActivityMessages(s, conv, listActivityTexts(s, conv, changes, input.by), now);
  return { value: undefined, outcome: toChangeSteps(s, conv, changes) };
}

/** Someone starts or stops typing: conversation_typing_on/off. Typing changes no state. */
export function applyTyping(
  s: ChatwootState,
  input: { conversationId: number; on: boolean; user: Attrs | null; isPrivate: boolean },
): Applied<void> {
  const conv = getConversation(s, input.conversationId)!;
  return { value: undefined, outcome: [toTypingStep(s, conv, input)] };
}

/**
 * An agent bot that never took a message webhook (retries spent) hands the conversation to humans: a pending
 * conversation opens (Webhooks::Trigger#update_conversation_status); any other status stays.
 */
export function applyBotFailure(s: ChatwootState, input: { messageId: number }, now: number): Applied<void> {
  const m = getOwn(s.messages, String(input.messageId));
  const conv = m ? getConversation(s, m.conversation_id) : undefined;
  if (conv?.status !== 'pending') return { value: undefined, outcome: [] };
  const changes = applyConversationChanges(s, conv, { status: 'open' }, now);
  return { value: undefined, outcome: toChangeSteps(s, conv, changes) };
}
