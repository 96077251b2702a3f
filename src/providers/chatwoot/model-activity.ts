// Activity messages: what Chatwoot writes into a conversation when someone changes it (ActivityMessageHandler,
// AssignmentHandler, ConversationMuteHelpers; texts from config/locales/en.yml `conversations.activity.*`, Chatwoot
// 4.12). They are `message_type: activity` messages without a sender; Message#webhook_sendable? is false for them,
// so they send no webhook (only ActionCable, which the simulator does not serve).
import { getOwn } from '../../own.ts';
import type { ChatwootState, Conversation, Message, Sender } from './model.ts';
import { applyMessage } from './model-messages.ts';
import type { ChangedAttribute } from './model-outcomes.ts';

/**
 * The last message of a conversation that is not an activity (`last_non_activity_message`), walking back over the
 * activity messages at its end.
 */
export function findLastNonActivityMessage(s: ChatwootState, conversationId: number): Message | undefined {
  const ids = getOwn(s.index.conversations, String(conversationId))?.messageIds ?? [];
  for (let i = ids.length - 1; i >= 0; i--) {
    const m = getOwn(s.messages, String(ids[i]));
    if (m && m.message_type !== 'activity') return m;
  }
  return undefined;
}

/** Ruby's String#capitalize: the first character upper case, the rest lower case. */
function toCapitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
}

/** `Current.user.name`: the user or agent bot behind the change, or undefined (jobs, the Client API). */
function findUserName(s: ChatwootState, by: Sender | undefined): string | undefined {
  if (by?.type === 'User') return getOwn(s.agents, String(by.id))?.name;
  if (by?.type === 'AgentBot') return getOwn(s.agentBots, String(by.id))?.name;
  return undefined;
}

/** The change of `name` among `changes`, if any. */
function findChange(changes: ChangedAttribute[], name: string): ChangedAttribute | undefined {
  return changes.find((c) => c.name === name);
}

/** `status_change_activity` (user_status_change_activity_content): by a user, or a contact resolving. */
function toStatusText(s: ChatwootState, c: Conversation, by: Sender | undefined): string | undefined {
  const user = findUserName(s, by);
  if (user !== undefined) {
    const texts: Record<string, string> = {
      resolved: `Conversation was marked resolved by ${user}`,
      open: `Conversation was reopened by ${user}`,
      pending: `Conversation was marked as pending by ${user}`,
      snoozed: `Conversation was snoozed by ${user}`,
    };
    return getOwn(texts, c.status);
  }
  if (by?.type === 'Contact' && c.status === 'resolved') {
    const contact = getOwn(s.contacts, String(by.id));
    return `Conversation was resolved by ${toCapitalized(contact?.name ?? '')}`;
  }
  return undefined;
}

/** `priority_change_activity`: added, updated or removed. */
function toPriorityText(change: ChangedAttribute, user: string): string | undefined {
  const old = typeof change.previous === 'string' && change.previous !== '' ? change.previous : null;
  const next = typeof change.current === 'string' && change.current !== '' ? change.current : null;
  if (old === null && next !== null) return `${user} set the priority to ${next}`;
  if (old !== null && next !== null) return `${user} changed the priority from ${old} to ${next}`;
  if (old !== null && next === null) return `${user} removed the priority`;
  return undefined;
}

/** `create_label_change`: one message for the added labels, one for the removed ones. */
function toLabelTexts(change: ChangedAttribute, user: string): string[] {
  const before = Array.isArray(change.previous) ? (change.previous as string[]) : [];
  const after = Array.isArray(change.current) ? (change.current as string[]) : [];
  const added = after.filter((l) => !before.includes(l));
  const removed = before.filter((l) => !after.includes(l));
  const out: string[] = [];
  if (added.length > 0) out.push(`${user} added ${added.join(', ')}`);
  if (removed.length > 0) out.push(`${user} removed ${removed.join(', ')}`);
  return out;
}

/** `process_assignment_activities`: a team change (`create_team_change_activity`), else an assignee change. */
function toAssignmentText(
  s: ChatwootState,
  c: Conversation,
  changes: ChangedAttribute[],
  by: Sender | undefined,
  user: string,
): string | undefined {
  const assignee = c.assignee_id === null ? undefined : getOwn(s.agents, String(c.assignee_id));
  const team = findChange(changes, 'team_id');
  if (team) {
    const current = c.team_id === null ? undefined : getOwn(s.teams, String(c.team_id));
    if (!current) {
      const previous = team.previous === null ? undefined : getOwn(s.teams, String(team.previous));
      return `Unassigned from ${previous?.name ?? ''} by ${user}`;
    }
    if (findChange(changes, 'assignee_id') && assignee)
      return `Assigned to ${assignee.name} via ${current.name} by ${user}`;
    return `Assigned to ${current.name} by ${user}`;
  }
  if (!findChange(changes, 'assignee_id')) return undefined;
  if (c.assignee_id === null) return `Conversation unassigned by ${user}`;
  if (by?.type === 'User' && by.id === c.assignee_id) return `${user} self-assigned this conversation`;
  return `Assigned to ${assignee?.name ?? ''} by ${user}`;
}

/**
 * The activity texts of conversation changes made by `by`, in the order Chatwoot's callbacks enqueue them: status,
 * priority, labels (`create_activity`), then team or assignee (`process_assignment_activities`). Changes made by
 * nobody (the snooze job) write none.
 */
export function listActivityTexts(
  s: ChatwootState,
  c: Conversation,
  changes: ChangedAttribute[],
  by: Sender | undefined,
): string[] {
  const out: string[] = [];
  if (findChange(changes, 'status')) {
    const text = toStatusText(s, c, by);
    if (text !== undefined) out.push(text);
  }
  const user = findUserName(s, by);
  if (user === undefined) return out;
  const priority = findChange(changes, 'priority');
  const priorityText = priority ? toPriorityText(priority, user) : undefined;
  if (priorityText !== undefined) out.push(priorityText);
  const labels = findChange(changes, 'label_list');
  if (labels) out.push(...toLabelTexts(labels, user));
  const assignment = toAssignmentText(s, c, changes, by, user);
  if (assignment !== undefined) out.push(assignment);
  return out;
}

/** `create_mute_change_activity`: muted or unmuted, when a user did it. */
export function toMuteText(s: ChatwootState, mute: boolean, by: Sender | undefined): string | undefined {
  const user = findUserName(s, by);
  if (user === undefined) return undefined;
  return mute ? `${user} has muted the conversation` : `${user} has unmuted the conversation`;
}

/**
 * Conversations::ActivityMessageJob: `conversation.messages.create!(message_type: :activity, content:)`, one message
 * per text, without a sender. Answers their ids.
 */
export function applyActivityMessages(
  s: ChatwootState,
  c: Conversation,
  texts: string[],
  now: number,
): number[] {
  return texts.map((content) =>
    applyMessage(
      s,
      c,
      {
        content,
        message_type: 'activity',
        content_type: 'text',
        content_attributes: {},
        private: false,
        source_id: null,
        echo_id: null,
        sender_type: null,
        sender_id: null,
        attachments: [],
      },
      now,
    ),
  );
}
