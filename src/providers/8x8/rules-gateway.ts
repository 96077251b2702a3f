// Pure validation of Chat Gateway v1 conversation and message bodies (OAS GW CreateTransactionRequest,
// SendConversationMessagePayload, Typing/Thinking/ReadReceipt/PatchUserParticipant requests).
import { getOwn, isRecord } from '../../own.ts';
import { ok } from '../../provider/index.ts';
import type { EightByEightState, GatewayUser } from './model.ts';
import {
  CARD_CONTENT_TYPES,
  type ConversationRequest,
  LANGUAGES,
  type MessageInput,
  type Parsed,
  parseObject,
  Reader,
  readChannelRef,
  readHistory,
  show,
} from './rules.ts';

/** Gateway SendConversationMessagePayload (or the externalProvider variant). */
export function parseGatewayMessage(
  body: unknown,
  hasAttachment: (id: string) => boolean,
  path = '',
): Parsed<MessageInput> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const raw = object.value.authorType;
  const authorType = raw === 'user' || raw === 'bot' ? raw : undefined;
  if (!authorType) {
    r.fail(
      `${path}authorType`,
      raw,
      `Invalid authorType=${show(raw)}, has to be one of user, bot`,
      'invalid_json_object',
    );
  }
  const text = r.string('text', { from: object.value, path: `${path}text` });
  const provider = object.value.externalProvider;
  let externalProvider: MessageInput['externalProvider'];
  if (provider !== undefined) {
    if (text !== undefined)
      r.fail(`${path}externalProvider`, provider, 'text and externalProvider are mutually exclusive.');
    if (!isRecord(provider)) r.fail(`${path}externalProvider`, provider, 'Must be an object.');
    else {
      const name = r.oneOf('name', ['X'] as const, {
        required: true,
        from: provider,
        path: `${path}externalProvider.name`,
      });
      const id = r.string('externalMessageId', {
        required: true,
        from: provider,
        path: `${path}externalProvider.externalMessageId`,
      });
      if (name && id) externalProvider = { name, externalMessageId: id };
    }
  }
  const attachments: { id: string }[] = [];
  const rawAttachments = object.value.attachments ?? [];
  if (!Array.isArray(rawAttachments)) r.fail(`${path}attachments`, rawAttachments, 'Must be an array.');
  else {
    rawAttachments.forEach((a, i) => {
      const id = isRecord(a) ? a.id : undefined;
      if (typeof id !== 'string' || !hasAttachment(id)) {
        r.fail(
          `${path}attachments[${i}].id`,
          id,
          `Attachment ${show(id)} was not found in this conversation.`,
          'invalid_attachment',
        );
      } else attachments.push({ id });
    });
  }
  const cards: MessageInput['cards'] = [];
  const rawCards = object.value.cards ?? [];
  if (!Array.isArray(rawCards)) r.fail(`${path}cards`, rawCards, 'Must be an array.');
  else {
    rawCards.forEach((c, i) => {
      if (!isRecord(c)) {
        r.fail(`${path}cards[${i}]`, c, 'Must be an object.');
        return;
      }
      const contentType =
        r.oneOf('contentType', CARD_CONTENT_TYPES, { from: c, path: `${path}cards[${i}].contentType` }) ??
        CARD_CONTENT_TYPES[0];
      if (!isRecord(c.content)) r.fail(`${path}cards[${i}].content`, c.content, 'Must be an object.');
      cards.push({ contentType, content: c.content });
    });
  }
  if (
    text === undefined &&
    !externalProvider &&
    attachments.length === 0 &&
    cards.length === 0 &&
    r.issues.length === 0
  ) {
    r.fail(`${path}text`, '', 'May not be empty.');
  }
  return r.done({
    authorType: authorType ?? 'user',
    text: text ?? '',
    attachments,
    cards,
    ...(externalProvider ? { externalProvider } : {}),
  });
}

const USER_STRING_FIELDS = [
  'name',
  'userId',
  'customerId',
  'email',
  'phone',
  'company',
  'caseId',
  'ipaddress',
];

/** Gateway ConversationUserData.user. */
function readGatewayUser(r: Reader, user: unknown): GatewayUser | undefined {
  if (!isRecord(user)) {
    r.fail('user', user, 'May not be empty.');
    return undefined;
  }
  for (const field of USER_STRING_FIELDS) r.string(field, { from: user, path: `user.${field}` });
  if (user.language !== undefined) r.oneOf('language', LANGUAGES, { from: user, path: 'user.language' });
  if (typeof user.email === 'string' && !/^[^@\s]+@[^@\s]+$/.test(user.email)) {
    r.fail('user.email', user.email, 'Must be a well-formed email address.');
  }
  if (user.timezoneOffset !== undefined && !Number.isInteger(user.timezoneOffset)) {
    r.fail('user.timezoneOffset', user.timezoneOffset, 'Must be an integer.');
  }
  const extra = user.additionalProperties;
  if (extra !== undefined) {
    if (!Array.isArray(extra)) r.fail('user.additionalProperties', extra, 'Must be an array.');
    else {
      if (extra.length > 30) r.fail('user.additionalProperties', '', 'Must have at most 30 items.');
      extra.forEach((p, i) => {
        if (!isRecord(p) || typeof p.key !== 'string' || typeof p.value !== 'string') {
          r.fail(`user.additionalProperties[${i}]`, p, 'Must be {key, value} strings.');
        }
      });
    }
  }
  return user;
}

/** Gateway AssignmentField.assignment: `{type: queue|script, id}`; a queue must exist. */
function readAssignment(r: Reader, assignment: unknown, state: EightByEightState) {
  if (!isRecord(assignment)) {
    r.fail('assignment', assignment, 'Must be an object.');
    return undefined;
  }
  const type =
    r.oneOf('type', ['queue', 'script'] as const, { from: assignment, path: 'assignment.type' }) ?? 'queue';
  const id = r.string('id', { required: true, from: assignment, path: 'assignment.id' });
  if (id && type === 'queue' && !getOwn(state.queues, id)) {
    r.fail('assignment.id', id, `Queue ID ${show(id)} is invalid.`, 'invalid_queue');
  }
  return id ? { type, id } : undefined;
}

/** Gateway CreateTransactionRequest: `{channelId, user, assignment?, history?}`. */
export function parseGatewayConversation(
  body: unknown,
  state: EightByEightState,
): Parsed<ConversationRequest> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const channelId = readChannelRef(r, 'gateway', state);
  const user = readGatewayUser(r, object.value.user) ?? {};
  const assignment =
    object.value.assignment === undefined ? undefined : readAssignment(r, object.value.assignment, state);
  const history = readHistory(r, object.value.history, (item, path) => {
    const checked = parseGatewayMessage(item, () => false, `${path}.`);
    if (!checked.ok) r.add(...checked.error);
    return checked.ok ? checked.value : (undefined as unknown as MessageInput);
  });
  const userId = getOwn(user, 'userId');
  const language = getOwn(user, 'language');
  return r.done({
    channelId: channelId ?? '',
    user,
    ...(assignment ? { assignment } : {}),
    ...(typeof userId === 'string' ? { participantId: userId } : {}),
    ...(typeof language === 'string' ? { language } : {}),
    history,
  });
}

/** Gateway PUT (UpdateTransactionRequest) or PATCH (PatchTransactionRequest: assignment or user). */
export function parseGatewayConversationChange(
  body: unknown,
  state: EightByEightState,
  method: 'PUT' | 'PATCH',
): Parsed<{
  channelId?: string;
  user?: Record<string, unknown>;
  assignment?: { type: string; id: string };
}> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const has = (k: string) => object.value[k] !== undefined;
  if (!has('user') && !has('assignment') && !(method === 'PUT' && has('channelId'))) {
    r.fail(
      'body',
      '',
      method === 'PATCH' ? 'Must contain assignment or user.' : 'Must contain channelId, user or assignment.',
    );
  }
  const channelId = method === 'PUT' && has('channelId') ? readChannelRef(r, 'gateway', state) : undefined;
  const user = has('user') ? readGatewayUser(r, object.value.user) : undefined;
  const assignment = has('assignment') ? readAssignment(r, object.value.assignment, state) : undefined;
  return r.done({
    ...(channelId ? { channelId } : {}),
    ...(user ? { user } : {}),
    ...(assignment ? { assignment } : {}),
  });
}

/** Gateway TypingRequest: `{authorType: bot|user}`. */
export function parseTyping(body: unknown): Parsed<{ authorType: 'bot' | 'user' }> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const authorType = r.oneOf('authorType', ['bot', 'user'] as const, { required: true });
  return r.done({ authorType: authorType ?? 'user' });
}

/** Gateway ThinkingIndicatorRequest (optional body): `{authorType?: bot, maxThinkingTimeSeconds?: 1..600}`. */
export function parseThinking(body: unknown): Parsed<{ maxThinkingTimeSeconds: number }> {
  if (body === undefined) return ok({ maxThinkingTimeSeconds: 60 });
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  r.oneOf('authorType', ['bot'] as const);
  const max = object.value.maxThinkingTimeSeconds ?? 60;
  if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 600) {
    r.fail('maxThinkingTimeSeconds', max, 'Must be an integer between 1 and 600.');
  }
  return r.done({ maxThinkingTimeSeconds: max as number });
}

/** Gateway ReadReceiptRequest: `{authorType: bot|user, readAt: epoch ms}`. */
export function parseReadReceipt(body: unknown): Parsed<{ authorType: 'bot' | 'user'; readAt: number }> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const authorType = r.oneOf('authorType', ['bot', 'user'] as const, { required: true });
  const readAt = object.value.readAt;
  if (!Number.isInteger(readAt) || (readAt as number) < 0)
    r.fail('readAt', readAt, 'Must be an epoch time in ms.');
  return r.done({ authorType: authorType ?? 'user', readAt: readAt as number });
}

/** Gateway PatchUserParticipantRequest: only `{removed: true}` has a meaning. */
export function parseUserRemoval(body: unknown): Parsed<{ removed: true }> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  if (object.value.removed !== true) r.fail('removed', object.value.removed, 'Must be true.');
  return r.done({ removed: true as const });
}

/** Gateway attachment upload (multipart): an `attachment` file part and `authorType` user|bot (default user). */
export function parseAttachmentUpload(
  form: Record<string, unknown> | undefined,
): Parsed<{ file: File; authorType: 'user' | 'bot' }> {
  const r = new Reader({});
  const file = form?.attachment;
  const authorType = form?.authorType ?? 'user';
  if (!(file instanceof File))
    r.fail('attachment', undefined, 'A multipart/form-data part "attachment" with a file is required.');
  if (authorType !== 'user' && authorType !== 'bot')
    r.fail('authorType', authorType, 'Must be one of bot, user.');
  return r.done({ file: file as File, authorType: authorType as 'user' | 'bot' });
}
