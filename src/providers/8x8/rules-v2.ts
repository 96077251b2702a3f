// Pure validation of Chat API v2 conversation bodies and queries (OAS v2 CreateTransactionRequest,
// SendConversationMessagePayload, GET /conversations parameters).
import { getOwn, isRecord, isSafeKey } from '../../own.ts';
import type { EightByEightState } from './model.ts';
import {
  type ConversationRequest,
  LANGUAGES,
  type MessageInput,
  type Parsed,
  parseObject,
  Reader,
  readChannelRef,
  readHistory,
  show,
  V2_STATUSES,
} from './rules.ts';

/** A v2 message as both APIs store it (text only). */
const toMessageInput = (text: string, authorType: 'user' | 'bot'): MessageInput => ({
  authorType,
  text,
  attachments: [],
  cards: [],
});

/** v2 CreateTransactionRequest: `{channelId, customer?, history?:{messages:[{text, type?}]}}`. */
export function parseV2Conversation(body: unknown, state: EightByEightState): Parsed<ConversationRequest> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const channelId = readChannelRef(r, 'v2', state);
  const customer: Record<string, string> = {};
  const rawCustomer = object.value.customer;
  if (rawCustomer !== undefined) {
    if (!isRecord(rawCustomer)) r.fail('customer', rawCustomer, 'Must be an object.');
    else {
      const entries = Object.entries(rawCustomer);
      if (entries.length > 30) r.fail('customer', '', 'Must have at most 30 properties.');
      for (const [key, value] of entries.length > 30 ? [] : entries) {
        if (typeof value !== 'string') r.fail(`customer.${show(key)}`, value, 'Must be a string.');
        else if (!isSafeKey(key)) r.fail(`customer.${key}`, value, 'Is not a customer property.');
        else customer[key] = value;
      }
      if (getOwn(customer, 'language') !== undefined)
        r.oneOf('language', LANGUAGES, { from: customer, path: 'customer.language' });
      const email = getOwn(customer, 'email');
      if (email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(email)) {
        r.fail('customer.email', email, 'Must be a well-formed email address.');
      }
    }
  }
  const history = readHistory(r, object.value.history, (item, path) => {
    const text = r.string('text', { required: true, from: item, path: `${path}.text` });
    const type = r.oneOf('type', ['user', 'bot'] as const, { from: item, path: `${path}.type` }) ?? 'user';
    return toMessageInput(text ?? '', type);
  });
  const participantId = getOwn(customer, 'customerId');
  const language = getOwn(customer, 'language');
  return r.done({
    channelId: channelId ?? '',
    customer,
    ...(participantId === undefined ? {} : { participantId }),
    ...(language === undefined ? {} : { language }),
    history,
  });
}

/** v2 SendConversationMessagePayload: `{text, authorType?: user|bot}`. */
export function parseV2Message(body: unknown): Parsed<MessageInput> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const text = r.string('text', { required: true });
  const authorType = r.oneOf('authorType', ['user', 'bot'] as const) ?? 'user';
  return r.done(toMessageInput(text ?? '', authorType));
}

/** The v2 conversation-list filters (status, order, channel-id, userId, customer.*). */
export type V2ConversationQuery = {
  status: (typeof V2_STATUSES)[number];
  order: 'asc' | 'desc';
  channelId?: string;
  userId?: string;
  /** `customer.<key>=<value>` pairs (a list: the keys come from the request). */
  customer: [key: string, value: string][];
};

/** Reads the v2 conversation-list filters. */
export function parseV2ConversationQuery(
  query: Record<string, string | undefined>,
): Parsed<V2ConversationQuery> {
  const r = new Reader(query);
  const status = r.oneOf('status', V2_STATUSES) ?? 'all';
  const order = r.oneOf('order', ['asc', 'desc'] as const) ?? 'asc';
  const customer: [string, string][] = [];
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith('customer.') && value !== undefined)
      customer.push([key.slice('customer.'.length), value]);
  }
  const channelId = getOwn(query, 'channel-id');
  const userId = getOwn(query, 'userId');
  return r.done({
    status,
    order,
    ...(channelId ? { channelId } : {}),
    ...(userId ? { userId } : {}),
    customer,
  });
}
