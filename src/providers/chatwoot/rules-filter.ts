// `POST /conversations/filter` and `POST /contacts/filter` (FilterService, Conversations::FilterService,
// Contacts::FilterService, Filters::CustomAttributeFilterHelper of Chatwoot 4.12): the payload's validation and the
// conditions' evaluation, joined left to right.
import { getOwn, hasOwn } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import type { ChatwootState, Contact, Conversation } from './model.ts';
import { toNewestContactIds } from './model-indexes.ts';
import { type ChatwootFailure, toInputText, toUnprocessable } from './render-errors.ts';
import { addToCounts, emptyCounts, type ListResult, listBuckets, walkByActivity } from './rules-listing.ts';

type Body = Record<string, unknown>;

/** One condition of a filter payload; `custom` when its key is no key of filter_keys.yml (a custom attribute). */
export type FilterCondition = {
  attribute_key: string;
  filter_operator: string;
  values: unknown[];
  query_operator: 'AND' | 'OR' | null;
  custom: boolean;
};

const EQ = ['equal_to', 'not_equal_to'] as const;
const PRESENCE = ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'] as const;
const TEXT = ['equal_to', 'not_equal_to', 'contains', 'does_not_contain'] as const;
const DATE = ['is_greater_than', 'is_less_than', 'days_before'] as const;

/**
 * Conversation attributes the filter endpoint accepts and their operators (lib/filters/filter_keys.yml), in the
 * order the error message lists them.
 */
export const FILTER_KEYS: Readonly<Record<string, readonly string[]>> = {
  status: EQ,
  assignee_id: PRESENCE,
  inbox_id: PRESENCE,
  team_id: PRESENCE,
  contact_id: EQ,
  priority: EQ,
  display_id: TEXT,
  campaign_id: PRESENCE,
  labels: PRESENCE,
  browser_language: EQ,
  conversation_language: EQ,
  referer: TEXT,
  created_at: DATE,
  last_activity_at: DATE,
  mail_subject: TEXT,
};

/** Contact attributes of `POST /contacts/filter` and their operators (filter_keys.yml `contacts`), in its order. */
export const CONTACT_FILTER_KEYS: Readonly<Record<string, readonly string[]>> = {
  name: TEXT,
  phone_number: [...TEXT, 'starts_with'],
  email: TEXT,
  identifier: EQ,
  country_code: EQ,
  city: TEXT,
  company_name: TEXT,
  labels: PRESENCE,
  created_at: DATE,
  last_activity_at: DATE,
  blocked: EQ,
};

/** FilterService's error texts (config/locales/en.yml errors.custom_filters), answered 422 `{"error": ...}`. */
const invalidKey = (key: string, keys: Readonly<Record<string, unknown>>) =>
  toUnprocessable(
    `Invalid attribute key - [${toInputText(key)}]. The key should be one of [${Object.keys(keys).join(',')}] ` +
      'or a custom attribute defined in the account.',
  );
const invalidOperator = (key: string, allowed: readonly string[]) =>
  toUnprocessable(`Invalid operator. The allowed operators for ${key} are [${allowed.join(',')}].`);
const INVALID_QUERY_OPERATOR = toUnprocessable('Query operator must be either "AND" or "OR".');

/**
 * Validates a filter payload: an array of conditions, known attribute keys with their operators, AND/OR joins. A
 * key outside `keys` is a custom attribute (its definition is checked against the records read, see
 * `findUndefinedKey`); a blank or non-text key is refused as invalid.
 */
export function parseFilterPayload(
  body: Body,
  keys: Readonly<Record<string, readonly string[]>> = FILTER_KEYS,
): Result<FilterCondition[], ChatwootFailure> {
  const payload = body.payload;
  if (!Array.isArray(payload)) return fail(toUnprocessable('payload must be an array of filter conditions'));
  const out: FilterCondition[] = [];
  for (const raw of payload) {
    if (typeof raw !== 'object' || raw === null) return fail(toUnprocessable('Invalid filter condition'));
    const c = raw as Body;
    const key = typeof c.attribute_key === 'string' ? c.attribute_key : String(c.attribute_key ?? '');
    const allowed = hasOwn(keys, key) ? keys[key]! : undefined;
    if (!allowed && (typeof c.attribute_key !== 'string' || key.trim() === ''))
      return fail(invalidKey(key, keys));
    const op = String(c.filter_operator ?? '');
    if (allowed && !allowed.includes(op)) return fail(invalidOperator(key, allowed));
    let qo: 'AND' | 'OR' | null = null;
    if (c.query_operator !== undefined && c.query_operator !== null && c.query_operator !== '') {
      const upper = typeof c.query_operator === 'string' ? c.query_operator.toUpperCase() : '';
      if (upper !== 'AND' && upper !== 'OR') return fail(INVALID_QUERY_OPERATOR);
      qo = upper;
    }
    out.push({
      attribute_key: key,
      filter_operator: op,
      values: Array.isArray(c.values) ? c.values : c.values === undefined ? [] : [c.values],
      query_operator: qo,
      custom: !allowed,
    });
  }
  return ok(out);
}

const ADDITIONAL_KEYS: ReadonlySet<string> = new Set([
  'browser_language',
  'conversation_language',
  'referer',
  'mail_subject',
]);

function readAttribute(c: Conversation, key: string): unknown {
  if (ADDITIONAL_KEYS.has(key)) return getOwn(c.additional_attributes, key) ?? null;
  switch (key) {
    case 'status':
      return c.status;
    case 'assignee_id':
      return c.assignee_id;
    case 'inbox_id':
      return c.inbox_id;
    case 'team_id':
      return c.team_id;
    case 'display_id':
      return c.display_id;
    case 'contact_id':
      return c.contact_id;
    case 'priority':
      return c.priority;
    case 'labels':
      return c.labels;
    case 'created_at':
      return c.created_at;
    case 'last_activity_at':
      return c.last_activity_at;
    default:
      // campaign_id: the simulator has no campaigns.
      return null;
  }
}

const DAY = 86_400_000;

/** A date condition: `is_greater_than`/`is_less_than` a date, or `days_before` N days before `now`. */
function matchesDate(at: number | null, cond: FilterCondition, now: number): boolean {
  if (at === null) return false;
  const first = cond.values[0];
  if (cond.filter_operator === 'days_before') {
    const days = Number(first);
    return Number.isFinite(days) && at < now - days * DAY;
  }
  const limit =
    typeof first === 'string' || typeof first === 'number' ? Date.parse(String(first)) : Number.NaN;
  if (Number.isNaN(limit)) return false;
  return cond.filter_operator === 'is_greater_than' ? at > limit : at < limit;
}

/**
 * An equality/text/presence condition on a value (or a list of values), compared as text; `lowerStored` compares the
 * stored value lower case (`LOWER(column)`), the values as given. `contains` is ILIKE (case-insensitive) always.
 */
function matchesText(v: unknown, cond: FilterCondition, lowerStored: boolean): boolean {
  const norm = (x: unknown) => (lowerStored ? String(x).toLowerCase() : String(x));
  const values = cond.values.map(String);
  const asList = Array.isArray(v) ? v.map(norm) : v === null || v === undefined ? [] : [norm(v)];
  const contains = (x: string) =>
    values.some((needle) => x.toLowerCase().includes(needle.trim().toLowerCase()));
  switch (cond.filter_operator) {
    case 'equal_to':
      return asList.some((x) => values.includes(x));
    case 'not_equal_to':
      return !asList.some((x) => values.includes(x));
    case 'contains':
      return asList.some(contains);
    case 'does_not_contain':
      return !asList.some(contains);
    case 'starts_with':
      return asList.some((x) => values[0] !== undefined && x.startsWith(values[0]));
    case 'is_present':
      return asList.length > 0;
    case 'is_not_present':
      return asList.length === 0;
    default:
      return false;
  }
}

/**
 * A custom attribute condition (Filters::CustomAttributeFilterHelper). The simulator keeps no custom attribute
 * definitions, so the stored value's JSON type stands for the definition's display type (simulator choice): text
 * compares lower case against the first value (`string_filter_values`); numbers and booleans compare as such;
 * `is_greater_than`/`is_less_than` compare numbers, or dates; `not_equal_to` also matches a missing value (`OR ...
 * IS NULL`).
 */
function matchesCustom(attrs: Record<string, unknown>, cond: FilterCondition, now: number): boolean {
  const v = getOwn(attrs, cond.attribute_key);
  const missing = v === undefined || v === null;
  const op = cond.filter_operator;
  if (op === 'is_present') return !missing;
  if (op === 'is_not_present') return missing;
  if (missing) return op === 'not_equal_to' || op === 'does_not_contain';
  if (op === 'is_greater_than' || op === 'is_less_than' || op === 'days_before') {
    if (typeof v === 'number' && op !== 'days_before') {
      const limit = Number(cond.values[0]);
      return Number.isFinite(limit) && (op === 'is_greater_than' ? v > limit : v < limit);
    }
    const at = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    return !Number.isNaN(at) && matchesDate(at, cond, now);
  }
  if (
    typeof v === 'string' &&
    typeof cond.values[0] === 'string' &&
    (op === 'equal_to' || op === 'not_equal_to')
  ) {
    const same = v.toLowerCase() === cond.values[0].toLowerCase();
    return op === 'equal_to' ? same : !same;
  }
  return matchesText(v, cond, typeof v === 'string');
}

function matchesConversation(c: Conversation, cond: FilterCondition, now: number): boolean {
  if (cond.custom) return matchesCustom(c.custom_attributes, cond, now);
  const v = readAttribute(c, cond.attribute_key);
  if (cond.attribute_key === 'created_at' || cond.attribute_key === 'last_activity_at')
    return matchesDate(v as number, cond, now);
  // Additional attributes compare lower case (`LOWER(conversations.additional_attributes ->> key)`).
  return matchesText(v, cond, ADDITIONAL_KEYS.has(cond.attribute_key));
}

const CONTACT_ADDITIONAL_KEYS: ReadonlySet<string> = new Set(['country_code', 'city', 'company_name']);

/**
 * A contact condition (Contacts::FilterService): text keys compare lower case with the first value
 * (`filter_values`), a phone number with a leading `+`; `labels` match nothing (the simulator keeps no contact
 * labels).
 */
function matchesContact(x: Contact, cond: FilterCondition, now: number): boolean {
  if (cond.custom) return matchesCustom(x.custom_attributes, cond, now);
  const key = cond.attribute_key;
  if (key === 'created_at') return matchesDate(x.created_at, cond, now);
  if (key === 'last_activity_at') return matchesDate(x.last_activity_at, cond, now);
  if (key === 'labels') return matchesText([], cond, true);
  if (key === 'blocked') return matchesText(x.blocked, { ...cond, values: cond.values.slice(0, 1) }, true);
  const v = CONTACT_ADDITIONAL_KEYS.has(key)
    ? (getOwn(x.additional_attributes, key) ?? null)
    : (x[key as 'name' | 'email' | 'phone_number' | 'identifier'] ?? null);
  let values = cond.values;
  if (cond.filter_operator === 'equal_to' || cond.filter_operator === 'not_equal_to') {
    const first = values[0];
    values = [key === 'phone_number' ? `+${String(first ?? '').replaceAll('+', '')}` : first];
  }
  values = values.map((value) => (typeof value === 'string' ? value.toLowerCase() : value));
  return matchesText(v === '' ? null : v, { ...cond, values }, true);
}

/** Joins the conditions' results left to right, each to the next by its `query_operator` (AND when absent). */
function matchesAll<T>(
  record: T,
  conditions: readonly FilterCondition[],
  matches: (record: T, cond: FilterCondition) => boolean,
): boolean {
  let acc: boolean | null = null;
  let op: 'AND' | 'OR' = 'AND';
  for (const cond of conditions) {
    const m = matches(record, cond);
    acc = acc === null ? m : op === 'AND' ? acc && m : acc || m;
    op = cond.query_operator ?? 'AND';
  }
  return acc ?? true;
}

/**
 * Tracks which custom attribute keys of the conditions some record read has (`custom_attribute_definitions` stand-in:
 * simulator choice). A key no record read has answers FilterService's invalid-key 422.
 */
function createKeyTracker(conditions: readonly FilterCondition[]) {
  const unseen = new Set(conditions.filter((c) => c.custom).map((c) => c.attribute_key));
  return {
    see(attrs: Record<string, unknown>) {
      if (unseen.size === 0) return;
      for (const key of unseen) if (hasOwn(attrs, key)) unseen.delete(key);
    },
    /** The first custom key no record read has, or null. */
    firstUnseen(): string | null {
      for (const key of unseen) return key;
      return null;
    },
  };
}

/**
 * Applies filter conditions left to right, each joined to the next by its `query_operator` (AND/OR), to the
 * account's conversations in the inboxes the caller sees, latest activity first. Conditions can combine freely, so
 * the simulator reads at most `searchLimit` conversations; counts and the page cover what was read (simulator
 * choice). A custom attribute key that no conversation read has is refused as FilterService refuses a key without
 * a definition.
 */
export function filterConversations(
  s: ChatwootState,
  accountId: number,
  viewerId: number | null,
  conditions: readonly FilterCondition[],
  page: number,
  pageSize: number,
  searchLimit: number,
  visibleInboxIds: ReadonlySet<number>,
  now: number,
): Result<ListResult, ChatwootFailure> {
  const counts = emptyCounts();
  const found: Conversation[] = [];
  const start = (page - 1) * pageSize;
  const keys = createKeyTracker(conditions);
  let left = searchLimit;
  const buckets = listBuckets(s, accountId).filter((b) => visibleInboxIds.has(b.inbox_id));
  for (const c of walkByActivity(s, buckets)) {
    if (left <= 0) break;
    left -= 1;
    keys.see(c.custom_attributes);
    if (!matchesAll(c, conditions, (x, cond) => matchesConversation(x, cond, now))) continue;
    if (counts.all_count >= start && counts.all_count < start + pageSize) found.push(c);
    addToCounts(counts, c.assignee_id, viewerId, 1);
  }
  const unseen = keys.firstUnseen();
  if (unseen !== null) return fail(invalidKey(unseen, FILTER_KEYS));
  return ok({ counts, page: found });
}

/** Whether a contact is one of `resolved_contacts` (an e-mail, phone number or identifier is present). */
export function isResolvedContact(x: Contact): boolean {
  return Boolean(x.email) || Boolean(x.phone_number) || Boolean(x.identifier);
}

/**
 * `POST /contacts/filter` (Contacts::FilterService over `resolved_contacts`): the account's contacts, newest first,
 * reading at most `searchLimit` of them (simulator choice, as the contact search); `count` is the number of matches
 * among them.
 */
export function filterContacts(
  s: ChatwootState,
  accountId: number,
  conditions: readonly FilterCondition[],
  skip: number,
  take: number,
  searchLimit: number,
  now: number,
): Result<{ count: number; found: Contact[] }, ChatwootFailure> {
  const keys = createKeyTracker(conditions);
  const found: Contact[] = [];
  let count = 0;
  for (const id of toNewestContactIds(s, accountId, searchLimit)) {
    const x = getOwn(s.contacts, id);
    if (!x) continue;
    keys.see(x.custom_attributes);
    if (!isResolvedContact(x)) continue;
    if (!matchesAll(x, conditions, (r, cond) => matchesContact(r, cond, now))) continue;
    if (count >= skip && count < skip + take) found.push(x);
    count += 1;
  }
  const unseen = keys.firstUnseen();
  if (unseen !== null) return fail(invalidKey(unseen, CONTACT_FILTER_KEYS));
  return ok({ count, found });
}
