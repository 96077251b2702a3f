// Validation of the conversation routes' bodies (create, messages, status, typing, assignments), in Chatwoot's
// order and with its messages. Pure: no Hono, no I/O.
import { getOwn, hasOwn } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import {
  type ChatwootState,
  CONVERSATION_STATUSES,
  type Contact,
  type ConversationStatus,
  type Inbox,
  type MessageTypeName,
} from './model.ts';
import {
  type ChatwootFailure,
  ERROR_NOT_ALLOWED,
  ERROR_NOT_FOUND,
  ERROR_SOURCE_ID_TAKEN,
  toInputText,
  toInvalidRecord,
  toUnprocessable,
} from './render-errors.ts';
import {
  type Actor,
  findContact,
  findInbox,
  type InvalidAttribute,
  isAccountAgent,
  isAccountTeam,
  isInboxVisible,
  isPresent,
  parseAttributes,
  toAttrs,
  toBoolean,
  toRecordId,
  toTime,
  type UploadedFile,
} from './rules.ts';

type Attrs = Record<string, unknown>;
type Body = Record<string, unknown>;

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
): Result<CreateConversationPlan, ChatwootFailure> {
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

  const invalid: InvalidAttribute[] = [];
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
  const attributes = parseAttributes(body, invalid);
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
    ...attributes,
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
): Result<MessageInput, ChatwootFailure> {
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
  const interactive = checkInteractive(contentType as string, attrs ?? {});
  if (interactive !== null)
    return fail(toUnprocessable(`Validation failed: Content attributes ${interactive}`));
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
): Result<{ status: ConversationStatus; snoozed_until: number | null }, ChatwootFailure> {
  if (!isPresent(body.status))
    return ok({ status: current === 'open' ? 'resolved' : 'open', snoozed_until: null });
  if (!(CONVERSATION_STATUSES as readonly unknown[]).includes(body.status)) {
    return fail(toUnprocessable(`'${toInputText(body.status)}' is not a valid status`));
  }
  // `parse_date_time(params[:snoozed_until].to_s) if params[:snoozed_until]`: DateTime.strptime(value, '%s'), so
  // epoch seconds only; before_save then drops it unless the status is snoozed.
  let snoozed: number | null = null;
  const raw = body.snoozed_until;
  if (raw !== undefined && raw !== null && raw !== false) {
    const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
    if (!/^-?\d+$/.test(text)) return fail(toUnprocessable('invalid date'));
    snoozed = Number(text) * 1000;
  }
  return ok({
    status: body.status as ConversationStatus,
    snoozed_until: body.status === 'snoozed' ? snoozed : null,
  });
}

/** Validates `toggle_typing_status`: `typing_status` on, off or recording. */
export function parseTypingStatus(body: Body): Result<{ on: boolean; isPrivate: boolean }, ChatwootFailure> {
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
): Result<AssignmentPlan, ChatwootFailure> {
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

/** Item keys ContentAttributeValidator allows per interactive content type. */
const ITEM_KEYS: Readonly<Record<string, readonly string[]>> = {
  input_select: ['title', 'value'],
  cards: ['title', 'description', 'media_url', 'actions'],
  form: [
    'type',
    'placeholder',
    'label',
    'name',
    'options',
    'default',
    'required',
    'pattern',
    'title',
    'pattern_error',
  ],
  article: ['title', 'description', 'link'],
};
const CARD_ACTION_KEYS: readonly string[] = ['text', 'type', 'payload', 'uri'];

/** Ruby's inspect of a symbol list (`[:foo, :bar]`), as the validator's messages print it. */
const toSymbols = (keys: string[]) => `[${keys.map((k) => `:${toInputText(k)}`).join(', ')}]`;

/** Keys of the objects in `list` (non-objects have none). */
function keysOf(list: unknown[]): string[] {
  return list.flatMap((i) =>
    typeof i === 'object' && i !== null && !Array.isArray(i) ? Object.keys(i) : [],
  );
}

/**
 * ContentAttributeValidator: interactive messages (`input_select`, `cards`, `form`, `article`) need `items`, with
 * only the allowed keys; cards need `actions` with allowed keys. Returns the first error message, or null.
 */
export function checkInteractive(contentType: string, attrs: Attrs): string | null {
  const allowed = ITEM_KEYS[contentType as keyof typeof ITEM_KEYS];
  if (!allowed) return null;
  const items = attrs.items;
  if (!Array.isArray(items) || items.length === 0) return 'At least one item is required.';
  const invalid = keysOf(items).filter((k) => !allowed.includes(k));
  if (invalid.length > 0) return `contains invalid keys for items : ${toSymbols(invalid)}`;
  if (contentType !== 'cards') return null;
  const actions = items.map((i) => (i as Attrs).actions);
  if (actions.some((a) => !Array.isArray(a) || a.length === 0)) return 'contains items missing actions';
  const badActions = actions
    .flatMap((a) => keysOf(a as unknown[]))
    .filter((k) => !CARD_ACTION_KEYS.includes(k));
  if (badActions.length > 0) return `contains invalid keys for actions:  ${toSymbols(badActions)}`;
  return null;
}
