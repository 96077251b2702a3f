import { parseJson } from '../../http.ts';
import { getOwn, hasOwn } from '../../own.ts';
import {
  type ChatwootResult,
  ERROR_NOT_ALLOWED,
  ERROR_NOT_FOUND,
  ERROR_SOURCE_ID_TAKEN,
  fail,
  ok,
  toInputText,
  toInvalidRecord,
  toUnprocessable,
} from './errors.ts';
import {
  type Agent,
  type AgentBot,
  type ChatwootState,
  CONVERSATION_STATUSES,
  type Contact,
  type ConversationStatus,
  type Inbox,
  type MessageTypeName,
} from './model.ts';

type Attrs = Record<string, unknown>;
type Body = Record<string, unknown>;

/** Who called: a user (agent or administrator) or an agent bot, resolved from the access token. */
export type Actor = { kind: 'user'; agent: Agent } | { kind: 'bot'; bot: AgentBot };

/** Reads an ActiveRecord id the way `find` casts it: positive integer or digit string; anything else finds nothing. */
export function toRecordId(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** Rails' `present?`: not null/undefined, not blank string, not empty object/array. */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Reads a boolean as Rails casts params ('true', '1', true...). */
export function toBoolean(value: unknown): boolean | null {
  if (value === undefined || value === null || value === '') return null;
  if (value === true || value === 'true' || value === '1' || value === 1 || value === 't') return true;
  if (value === false || value === 'false' || value === '0' || value === 0 || value === 'f') return false;
  return null;
}

/**
 * Deepest nesting of arrays and objects Rails reads from JSON: Ruby's `JSON.parse` defaults to `max_nesting: 100`
 * and ActiveSupport::JSON.decode keeps it, so a deeper body is a ParseError (400 Bad Request).
 */
export const MAX_JSON_NESTING = 100;

/**
 * Whether `value` nests arrays and objects at most `max` levels deep (the value itself is level 1 when it is one).
 * Walks with an explicit stack, so no input can overflow the call stack.
 */
export function isNestedWithin(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, depth] = item;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return false;
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v);
    for (const child of children)
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return true;
}

/**
 * Reads a JSON object param; multipart sends objects as JSON strings. Returns undefined if absent, null if not an
 * object (or nested deeper than Rails would read).
 */
export function toAttrs(value: unknown): Attrs | null | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let v: unknown = value;
  if (typeof v === 'string') {
    try {
      // The depth is checked on the text, before parsing builds anything.
      v = parseJson(v, MAX_JSON_NESTING);
    } catch {
      return null;
    }
  }
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Attrs) : null;
}

/** Reads a date-time param (ISO string or epoch seconds) into epoch ms; null if unreadable. */
export function toTime(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value) * 1000;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** The inbox `id` of the account, if any. */
export function findInbox(s: ChatwootState, accountId: number, id: number | null): Inbox | undefined {
  const inbox = id === null ? undefined : getOwn(s.inboxes, String(id));
  return inbox && inbox.account_id === accountId ? inbox : undefined;
}

/** The contact `id` of the account, if any. */
export function findContact(s: ChatwootState, accountId: number, id: number | null): Contact | undefined {
  const contact = id === null ? undefined : getOwn(s.contacts, String(id));
  return contact && contact.account_id === accountId ? contact : undefined;
}

/** Whether `id` is an agent of the account. */
function isAccountAgent(s: ChatwootState, accountId: number, id: number | null): boolean {
  return id !== null && (getOwn(s.agents, String(id))?.account_ids.includes(accountId) ?? false);
}

/** Whether `id` is a team of the account. */
function isAccountTeam(s: ChatwootState, accountId: number, id: number | null): boolean {
  return id !== null && getOwn(s.teams, String(id))?.account_id === accountId;
}

/** Whether the actor may see an inbox: administrators and bots always, agents when they are inbox members. */
export function isInboxVisible(actor: Actor, inbox: Inbox): boolean {
  if (actor.kind === 'bot') return true;
  return actor.agent.role === 'administrator' || inbox.member_ids.includes(actor.agent.id);
}

/** The validated plan of `POST /conversations`. */
export type CreateConversationPlan = {
  inbox: Inbox;
  contact: Contact;
  /** An existing contact inbox, or the source id of a new one. */
  contactInbox: { existingId: number } | { newSourceId: string };
  /** Set when the inbox is locked to a single conversation and one exists. */
  reuseConversationId: number | null;
  status: ConversationStatus;
  assignee_id: number | null;
  team_id: number | null;
  additional_attributes: Attrs;
  custom_attributes: Attrs;
  snoozed_until: number | null;
  /** The initial message, validated like `POST /messages`. */
  message: MessageInput | null;
};

/**
 * Validates `POST /conversations` in the controller's order: inbox, contact, contact inbox (by source_id or
 * created from contact+inbox), then the model's validations and the initial message.
 */
export function parseCreateConversation(
  body: Body,
  s: ChatwootState,
  accountId: number,
  actor: Actor,
  newSourceId: () => string,
): ChatwootResult<CreateConversationPlan> {
  let inbox: Inbox | undefined;
  let contact: Contact | undefined;
  if (isPresent(body.inbox_id)) {
    inbox = findInbox(s, accountId, toRecordId(body.inbox_id));
    if (!inbox) return fail(ERROR_NOT_FOUND);
    if (!isInboxVisible(actor, inbox)) return fail(ERROR_NOT_ALLOWED);
  }
  if (isPresent(body.contact_id)) {
    contact = findContact(s, accountId, toRecordId(body.contact_id));
    if (!contact) return fail(ERROR_NOT_FOUND);
  }
  const sourceId = typeof body.source_id === 'number' ? String(body.source_id) : body.source_id;
  if (sourceId !== undefined && sourceId !== null && typeof sourceId !== 'string')
    return fail(ERROR_NOT_FOUND);
  let contactInbox: CreateConversationPlan['contactInbox'];
  if (inbox && contact) {
    const wanted = isPresent(sourceId) ? (sourceId as string) : newSourceId();
    const existingId = getOwn(s.index.contactInboxBySource, `${inbox.id}:${wanted}`);
    const existing = existingId === undefined ? undefined : getOwn(s.contactInboxes, String(existingId));
    if (existing && existing.contact_id !== contact.id) return fail(ERROR_SOURCE_ID_TAKEN);
    contactInbox = existing ? { existingId: existing.id } : { newSourceId: wanted };
  } else {
    if (!isPresent(sourceId)) return fail(ERROR_NOT_FOUND);
    // One contact inbox per inbox may hold a source id: the first in this account is the one.
    const existing = (getOwn(s.index.sourceIds, `s:${sourceId as string}`) ?? [])
      .map((id) => getOwn(s.contactInboxes, String(id))!)
      .find((ci) => findInbox(s, accountId, ci.inbox_id) !== undefined);
    if (!existing) return fail(ERROR_NOT_FOUND);
    inbox = getOwn(s.inboxes, String(existing.inbox_id))!;
    contact = getOwn(s.contacts, String(existing.contact_id))!;
    contactInbox = { existingId: existing.id };
  }

  const invalid: Array<{ attribute: string; message: string }> = [];
  let status: ConversationStatus = 'open';
  if (isPresent(body.status)) {
    if (!(CONVERSATION_STATUSES as readonly unknown[]).includes(body.status)) {
      return fail(toUnprocessable(`'${toInputText(body.status)}' is not a valid status`));
    }
    status = body.status as ConversationStatus;
  }
  // Conversation#determine_conversation_status runs before_create and overrides the requested status.
  if (contact.blocked) status = 'resolved';
  else if (inbox.agent_bot_id !== null) status = 'pending';

  const assignee = readReference(body.assignee_id, (id) => isAccountAgent(s, accountId, id));
  if (assignee === 'invalid') invalid.push({ attribute: 'assignee', message: 'Assignee must exist' });
  const team = readReference(body.team_id, (id) => isAccountTeam(s, accountId, id));
  if (team === 'invalid') invalid.push({ attribute: 'team', message: 'Team must exist' });
  const additional = toAttrs(body.additional_attributes);
  if (additional === null) {
    invalid.push({ attribute: 'additional_attributes', message: 'Additional attributes must be an object' });
  }
  const custom = toAttrs(body.custom_attributes);
  if (custom === null)
    invalid.push({ attribute: 'custom_attributes', message: 'Custom attributes must be an object' });
  let snoozedUntil: number | null = null;
  if (isPresent(body.snoozed_until)) {
    snoozedUntil = toTime(body.snoozed_until);
    if (snoozedUntil === null)
      invalid.push({ attribute: 'snoozed_until', message: 'Snoozed until is invalid' });
  }
  if (invalid.length > 0) return fail(toInvalidRecord(invalid));

  let message: MessageInput | null = null;
  if (isPresent(body.message)) {
    const m = body.message;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) {
      return fail(toInvalidRecord([{ attribute: 'content', message: "Content can't be blank" }]));
    }
    const parsed = parseMessageCreate(m as Body, inbox, []);
    if (!parsed.ok) return parsed;
    message = parsed.value;
  }

  let reuseConversationId: number | null = null;
  if (inbox.lock_to_single_conversation && 'existingId' in contactInbox) {
    reuseConversationId =
      getOwn(s.index.lastConversationOfContactInbox, String(contactInbox.existingId)) ?? null;
  }

  return ok({
    inbox,
    contact,
    contactInbox,
    reuseConversationId,
    status,
    assignee_id: typeof assignee === 'number' ? assignee : null,
    team_id: typeof team === 'number' ? team : null,
    additional_attributes: additional ?? {},
    custom_attributes: custom ?? {},
    snoozed_until: snoozedUntil,
    message,
  });
}

function readReference(value: unknown, exists: (id: number) => boolean): number | null | 'invalid' {
  if (!isPresent(value)) return null;
  const id = toRecordId(value);
  return id !== null && exists(id) ? id : 'invalid';
}

/** Content types Chatwoot's Message model accepts. */
export const CONTENT_TYPES = [
  'text',
  'input_text',
  'input_textarea',
  'input_email',
  'input_select',
  'cards',
  'form',
  'article',
  'incoming_email',
  'input_csat',
  'integrations',
  'sticker',
] as const;

/** A file received with a multipart message. */
export type UploadedFile = { name: string; size: number; type: string };

/** The validated body of `POST /conversations/{id}/messages`. */
export type MessageInput = {
  content: string | null;
  message_type: MessageTypeName;
  content_type: string;
  content_attributes: Attrs;
  private: boolean;
  source_id: string | null;
  echo_id: string | null;
  files: UploadedFile[];
};

/** Validates a message body (JSON or multipart fields, where booleans and objects arrive as strings). */
export function parseMessageCreate(
  body: Body,
  inbox: Inbox,
  files: UploadedFile[],
): ChatwootResult<MessageInput> {
  const type = isPresent(body.message_type) ? body.message_type : 'outgoing';
  if (type !== 'outgoing' && type !== 'incoming' && type !== 'template') {
    return fail(toUnprocessable(`'${toInputText(type)}' is not a valid message_type`));
  }
  if (type === 'incoming' && inbox.channel_type !== 'Channel::Api') {
    return fail(toUnprocessable('Incoming messages are only allowed in Api inboxes'));
  }
  const contentType = isPresent(body.content_type) ? body.content_type : 'text';
  if (!(CONTENT_TYPES as readonly unknown[]).includes(contentType)) {
    return fail(toUnprocessable(`'${toInputText(contentType)}' is not a valid content_type`));
  }
  const content = body.content;
  if (content !== undefined && content !== null && typeof content !== 'string') {
    return fail(toInvalidRecord([{ attribute: 'content', message: 'Content must be a string' }]));
  }
  if ((typeof content !== 'string' || content.length === 0) && files.length === 0) {
    return fail(toInvalidRecord([{ attribute: 'content', message: "Content can't be blank" }]));
  }
  const priv = toBoolean(body.private);
  if (body.private !== undefined && body.private !== '' && priv === null) {
    return fail(toInvalidRecord([{ attribute: 'private', message: 'Private must be true or false' }]));
  }
  const attrs = toAttrs(body.content_attributes);
  if (attrs === null) {
    return fail(
      toInvalidRecord([{ attribute: 'content_attributes', message: 'Content attributes must be an object' }]),
    );
  }
  return ok({
    content: typeof content === 'string' && content.length > 0 ? content : null,
    message_type: type,
    content_type: contentType as string,
    content_attributes: attrs ?? {},
    private: priv ?? false,
    source_id: typeof body.source_id === 'string' && body.source_id ? body.source_id : null,
    echo_id: typeof body.echo_id === 'string' && body.echo_id ? body.echo_id : null,
    files,
  });
}

/** Validates `toggle_status`: an explicit status, or a toggle between open and resolved when none is given. */
export function parseToggleStatus(
  body: Body,
  current: ConversationStatus,
): ChatwootResult<{ status: ConversationStatus; snoozed_until: number | null }> {
  if (!isPresent(body.status))
    return ok({ status: current === 'open' ? 'resolved' : 'open', snoozed_until: null });
  if (!(CONVERSATION_STATUSES as readonly unknown[]).includes(body.status)) {
    return fail(toUnprocessable(`'${toInputText(body.status)}' is not a valid status`));
  }
  let snoozed: number | null = null;
  if (body.status === 'snoozed' && isPresent(body.snoozed_until)) {
    snoozed = toTime(body.snoozed_until);
    if (snoozed === null) {
      return fail(toInvalidRecord([{ attribute: 'snoozed_until', message: 'Snoozed until is invalid' }]));
    }
  }
  return ok({ status: body.status as ConversationStatus, snoozed_until: snoozed });
}

/** Validates `toggle_typing_status`: `typing_status` on, off or recording. */
export function parseTypingStatus(body: Body): ChatwootResult<{ on: boolean; isPrivate: boolean }> {
  const t = body.typing_status;
  if (t !== 'on' && t !== 'off' && t !== 'recording') {
    return fail(toUnprocessable(`'${toInputText(t ?? '')}' is not a valid typing_status`));
  }
  return ok({ on: t !== 'off', isPrivate: toBoolean(body.is_private) ?? false });
}

/** What an assignment request asks: an agent (or none), a team (or none), or nothing. */
export type AssignmentPlan =
  | { kind: 'agent'; id: number | null }
  | { kind: 'team'; id: number | null }
  | { kind: 'none' };

/** Validates `POST /assignments` (`assignee_id` takes precedence over `team_id`). */
export function parseAssignment(
  body: Body,
  s: ChatwootState,
  accountId: number,
): ChatwootResult<AssignmentPlan> {
  if (hasOwn(body, 'assignee_id')) {
    if (!isPresent(body.assignee_id)) return ok({ kind: 'agent', id: null });
    const id = toRecordId(body.assignee_id);
    if (!isAccountAgent(s, accountId, id)) return fail(ERROR_NOT_FOUND);
    return ok({ kind: 'agent', id });
  }
  if (hasOwn(body, 'team_id')) {
    if (!isPresent(body.team_id)) return ok({ kind: 'team', id: null });
    const id = toRecordId(body.team_id);
    if (!isAccountTeam(s, accountId, id)) return fail(ERROR_NOT_FOUND);
    return ok({ kind: 'team', id });
  }
  return ok({ kind: 'none' });
}
