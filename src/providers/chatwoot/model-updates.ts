// The transitions of the conversation and contact update routes: attributes, labels, priority, last seen, mute,
// deletion, contact updates. Each returns what happened, as the other transitions do.
import { getOwn } from '../../own.ts';
import { type ChatwootState, type Contact, getConversation, type Sender } from './model.ts';
import { applyActivityMessages, listActivityTexts, toMuteText } from './model-activity.ts';
import { applyConversationChanges, type ConversationChanges } from './model-conversations.ts';
import { removeConversation, toContactKey } from './model-indexes.ts';
import {
  type Applied,
  type ChangedAttribute,
  listDestinations,
  type Outcome,
  toChangeSteps,
} from './model-outcomes.ts';

/** Changes conversation attributes (priority, custom attributes, labels...): conversation_updated when any change. */
export function applyConversationUpdate(
  s: ChatwootState,
  input: { conversationId: number; changes: ConversationChanges; by?: Sender },
  now: number,
): Applied<void> {
  const conv = getConversation(s, input.conversationId)!;
  const changes = applyConversationChanges(s, conv, input.changes, now);
  applyActivityMessages(s, conv, listActivityTexts(s, conv, changes, input.by), now);
  return { value: undefined, outcome: toChangeSteps(s, conv, changes) };
}

/**
 * `update_last_seen` / `unread`: `update_column` of agent_last_seen_at (and assignee_last_seen_at for the assignee);
 * update_column runs no callbacks, so no webhook.
 */
export function applyLastSeen(
  s: ChatwootState,
  input: { conversationId: number; seenAt: number | null; asAssignee: boolean },
): Applied<void> {
  const conv = getConversation(s, input.conversationId)!;
  conv.agent_last_seen_at = input.seenAt;
  if (input.asAssignee) conv.assignee_last_seen_at = input.seenAt;
  return { value: undefined, outcome: [] };
}

/** The contact_updated event of contact changes (account webhooks only), when anything changed. */
function toContactSteps(s: ChatwootState, c: Contact, changes: ChangedAttribute[]): Outcome {
  if (changes.length === 0) return [];
  const destinations = listDestinations(s, c.account_id, 'contact_updated', null);
  return [
    {
      event: { type: 'contact_updated', contactId: c.id, changes, destinations, orderKey: `contact-${c.id}` },
    },
  ];
}

/** Contact attributes an update may change. */
export type ContactChanges = Partial<
  Pick<
    Contact,
    | 'name'
    | 'email'
    | 'phone_number'
    | 'identifier'
    | 'blocked'
    | 'additional_attributes'
    | 'custom_attributes'
  >
>;

/**
 * Changes a contact and its unique-field index entries; contact_updated carries `previous_changes` (updated_at
 * included).
 */
export function applyContactUpdate(
  s: ChatwootState,
  input: { contactId: number; changes: ContactChanges },
  now: number,
): Applied<void> {
  const c = getOwn(s.contacts, String(input.contactId))!;
  const record = c as Record<string, unknown>;
  const changes: ChangedAttribute[] = [];
  for (const [key, value] of Object.entries(input.changes)) {
    if (value === undefined || JSON.stringify(record[key]) === JSON.stringify(value)) continue;
    if (key === 'email' || key === 'phone_number' || key === 'identifier') {
      const old = record[key];
      if (typeof old === 'string') delete s.index.contactKeys[toContactKey(c.account_id, key, old)];
      if (typeof value === 'string') s.index.contactKeys[toContactKey(c.account_id, key, value)] = c.id;
    }
    changes.push({ name: key, previous: record[key] ?? null, current: value });
    record[key] = typeof value === 'object' && value !== null ? JSON.parse(JSON.stringify(value)) : value;
  }
  if (changes.length > 0) {
    changes.push({ name: 'updated_at', previous: c.updated_at ?? c.created_at, current: now });
    c.updated_at = now;
  }
  return { value: undefined, outcome: toContactSteps(s, c, changes) };
}

/**
 * `mute!` (ConversationMuteHelpers): resolves the conversation and blocks its contact; `unmute!` unblocks the
 * contact. Each change sends its own webhooks.
 */
export function applyMute(
  s: ChatwootState,
  input: { conversationId: number; mute: boolean; by?: Sender },
  now: number,
): Applied<void> {
  const conv = getConversation(s, input.conversationId)!;
  const outcome: Outcome = [];
  if (input.mute) {
    const changes = applyConversationChanges(s, conv, { status: 'resolved' }, now);
    applyActivityMessages(s, conv, listActivityTexts(s, conv, changes, input.by), now);
    outcome.push(...toChangeSteps(s, conv, changes));
  }
  const muteText = toMuteText(s, input.mute, input.by);
  if (muteText !== undefined) applyActivityMessages(s, conv, [muteText], now);
  const contact = applyContactUpdate(
    s,
    { contactId: conv.contact_id, changes: { blocked: input.mute } },
    now,
  );
  outcome.push(...contact.outcome);
  return { value: undefined, outcome };
}

/** `DELETE /conversations/{id}` (administrators): the conversation and its messages go; no webhook. */
export function applyConversationRemoval(s: ChatwootState, input: { conversationId: number }): Applied<void> {
  const conv = getConversation(s, input.conversationId);
  if (conv) removeConversation(s, conv);
  return { value: undefined, outcome: [] };
}
