// The conversation partials of the REST answers (`api/v1/conversations/partials/_conversation.json.jbuilder`) and
// the `meta` of the messages listing, as Chatwoot 4.12 renders them.
import { toIso } from '../../clock.ts';
import { getOwn } from '../../own.ts';
import type { Agent, ChatwootState, Conversation, Message } from './model.ts';
import { countUnread, findLastMessage } from './model.ts';
import { findLastNonActivityMessage } from './model-activity.ts';
import {
  renderAgentEvent,
  renderContactEvent,
  renderMessage,
  renderMessageEvent,
  toSeconds,
  toSecondsOrZero,
} from './render.ts';
import { renderAgent, renderContact, renderTeam } from './render-resources.ts';

/** An ISO time or null, as jbuilder renders a datetime column. */
const toIsoOrNull = (ms: number | null): string | null => (ms === null ? null : toIso(ms));

/**
 * The `meta` block: `sender` is the contact partial, `assignee` the agent partial and `team` the team partial
 * (each left out when unset), `hmac_verified` the contact inbox's.
 */
function renderMeta(s: ChatwootState, c: Conversation, viewer: Agent | null): Record<string, unknown> {
  const contact = getOwn(s.contacts, String(c.contact_id))!;
  const inbox = getOwn(s.inboxes, String(c.inbox_id))!;
  const meta: Record<string, unknown> = {
    sender: renderContact(s, contact, false),
    channel: inbox.channel_type,
  };
  const assignee = c.assignee_id === null ? undefined : getOwn(s.agents, String(c.assignee_id));
  if (assignee) meta.assignee = renderAgent(assignee, c.account_id);
  const team = c.team_id === null ? undefined : getOwn(s.teams, String(c.team_id));
  if (team) meta.team = renderTeam(team, viewer);
  meta.hmac_verified = getOwn(s.contactInboxes, String(c.contact_inbox_id))?.hmac_verified ?? null;
  return meta;
}

/**
 * The `_conversation.json.jbuilder` partial of create/show/list/filter: `messages` holds the last message of any
 * kind, `last_non_activity_message` the last one that is not an activity (private notes included). `viewer` decides
 * `meta.team.is_member`.
 */
/** `last_non_activity_message`: the last message unless it is an activity, else the one before the activities. */
function renderLastNonActivity(s: ChatwootState, conversationId: number, last: Message | undefined) {
  const message = last?.message_type === 'activity' ? findLastNonActivityMessage(s, conversationId) : last;
  return message ? renderMessageEvent(s, message) : null;
}

export function renderConversation(
  s: ChatwootState,
  c: Conversation,
  viewer: Agent | null,
): Record<string, unknown> {
  const last = findLastMessage(s, c.id);
  return {
    meta: renderMeta(s, c, viewer),
    id: c.display_id,
    messages: last ? [renderMessageEvent(s, last)] : [],
    account_id: c.account_id,
    uuid: c.uuid,
    additional_attributes: c.additional_attributes,
    agent_last_seen_at: toSecondsOrZero(c.agent_last_seen_at),
    assignee_last_seen_at: toSecondsOrZero(c.assignee_last_seen_at),
    can_reply: true,
    contact_last_seen_at: toSecondsOrZero(c.contact_last_seen_at),
    custom_attributes: c.custom_attributes,
    inbox_id: c.inbox_id,
    labels: c.labels,
    // ConversationMuteHelpers#muted?: the contact is blocked.
    muted: getOwn(s.contacts, String(c.contact_id))?.blocked === true,
    snoozed_until: toIsoOrNull(c.snoozed_until),
    status: c.status,
    created_at: toSeconds(c.created_at),
    updated_at: c.updated_at / 1000,
    timestamp: toSeconds(c.last_activity_at),
    first_reply_created_at: toSecondsOrZero(c.first_reply_created_at),
    unread_count: countUnread(s, c),
    last_non_activity_message: renderLastNonActivity(s, c.id, last),
    last_activity_at: toSeconds(c.last_activity_at),
    priority: c.priority,
    waiting_since: toSecondsOrZero(c.waiting_since),
    sla_policy_id: null,
  };
}

/**
 * The `meta` of `GET /messages` (`messages/index.json.jbuilder`): the contact's and assignee's push data, the
 * last-seen times as ISO datetimes (null when unset).
 */
export function renderMessagesMeta(s: ChatwootState, c: Conversation): Record<string, unknown> {
  const contact = getOwn(s.contacts, String(c.contact_id))!;
  const assignee = c.assignee_id === null ? undefined : getOwn(s.agents, String(c.assignee_id));
  return {
    labels: c.labels,
    additional_attributes: c.additional_attributes,
    contact: renderContactEvent(contact),
    ...(assignee ? { assignee: renderAgentEvent(assignee) } : {}),
    agent_last_seen_at: toIsoOrNull(c.agent_last_seen_at),
    assignee_last_seen_at: toIsoOrNull(c.assignee_last_seen_at),
  };
}

/**
 * The seed 001 output fields Chatwoot nests elsewhere (source_id, contact_id, assignee_id, team_id, message), as
 * top-level copies for clients of Konverte Digital's node.
 */
export function renderSeedOutputFields(
  s: ChatwootState,
  c: Conversation,
  message: Message | null,
): Record<string, unknown> {
  return {
    source_id: getOwn(s.contactInboxes, String(c.contact_inbox_id))?.source_id ?? null,
    contact_id: c.contact_id,
    assignee_id: c.assignee_id,
    team_id: c.team_id,
    message: message ? renderMessage(s, message) : null,
  };
}
