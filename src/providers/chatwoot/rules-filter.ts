// `POST /conversations/filter`: its payload's validation and the conditions' evaluation, joined left to right.
import { getOwn, hasOwn } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import type { ChatwootState, Conversation } from './model.ts';
import { type ChatwootFailure, toInputText, toUnprocessable } from './render-errors.ts';
import { addToCounts, emptyCounts, type ListResult, listBuckets, walkByActivity } from './rules-listing.ts';

type Body = Record<string, unknown>;

/** One condition of `POST /conversations/filter`. */
export type FilterCondition = {
  attribute_key: string;
  filter_operator: string;
  values: unknown[];
  query_operator: 'AND' | 'OR' | null;
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

/** FilterService's error texts (config/locales/en.yml errors.custom_filters), answered 422 `{"error": ...}`. */
const invalidKey = (key: string) =>
  toUnprocessable(
    `Invalid attribute key - [${toInputText(key)}]. The key should be one of [${Object.keys(FILTER_KEYS).join(',')}] ` +
      'or a custom attribute defined in the account.',
  );
const invalidOperator = (key: string, allowed: readonly string[]) =>
  toUnprocessable(`Invalid operator. The allowed operators for ${key} are [${allowed.join(',')}].`);
const INVALID_QUERY_OPERATOR = toUnprocessable('Query operator must be either "AND" or "OR".');

/** Validates a filter payload: an array of conditions with known attribute keys, their operators, AND/OR joins. */
export function parseFilterPayload(body: Body): Result<FilterCondition[], ChatwootFailure> {
  const payload = body.payload;
  if (!Array.isArray(payload)) return fail(toUnprocessable('payload must be an array of filter conditions'));
  const out: FilterCondition[] = [];
  for (const raw of payload) {
    if (typeof raw !== 'object' || raw === null) return fail(toUnprocessable('Invalid filter condition'));
    const c = raw as Body;
    const key = String(c.attribute_key ?? '');
    const allowed = hasOwn(FILTER_KEYS, key) ? FILTER_KEYS[key]! : undefined;
    if (!allowed) return fail(invalidKey(key));
    const op = String(c.filter_operator ?? '');
    if (!allowed.includes(op)) return fail(invalidOperator(key, allowed));
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

/** A date condition: `is_greater_than`/`is_less_than` a date, or `days_before` N days before `now`. */
function matchesDate(at: number, cond: FilterCondition, now: number): boolean {
  const first = cond.values[0];
  if (cond.filter_operator === 'days_before') {
    const days = Number(first);
    return Number.isFinite(days) && at < now - days * 86_400_000;
  }
  const limit =
    typeof first === 'string' || typeof first === 'number' ? Date.parse(String(first)) : Number.NaN;
  if (Number.isNaN(limit)) return false;
  return cond.filter_operator === 'is_greater_than' ? at > limit : at < limit;
}

function matches(c: Conversation, cond: FilterCondition, now: number): boolean {
  const v = readAttribute(c, cond.attribute_key);
  if (cond.attribute_key === 'created_at' || cond.attribute_key === 'last_activity_at')
    return matchesDate(v as number, cond, now);
  const values = cond.values.map((x) => String(x));
  const asList = Array.isArray(v) ? v.map(String) : v === null || v === undefined ? [] : [String(v)];
  switch (cond.filter_operator) {
    case 'equal_to':
      return asList.some((x) => values.includes(x));
    case 'not_equal_to':
      return !asList.some((x) => values.includes(x));
    case 'contains':
      return asList.some((x) => values.some((needle) => x.toLowerCase().includes(needle.toLowerCase())));
    case 'does_not_contain':
      return !asList.some((x) => values.some((needle) => x.toLowerCase().includes(needle.toLowerCase())));
    case 'is_present':
      return asList.length > 0;
    default:
      return asList.length === 0;
  }
}

function matchesAll(c: Conversation, conditions: readonly FilterCondition[], now: number): boolean {
  let acc: boolean | null = null;
  let op: 'AND' | 'OR' = 'AND';
  for (const cond of conditions) {
    const m = matches(c, cond, now);
    acc = acc === null ? m : op === 'AND' ? acc && m : acc || m;
    op = cond.query_operator ?? 'AND';
  }
  return acc ?? true;
}

/**
 * Applies filter conditions left to right, each joined to the next by its `query_operator` (AND/OR), to the
 * account's conversations in the inboxes the caller sees, latest activity first. Conditions can combine freely, so the simulator reads at most
 * `searchLimit` conversations; counts and the page cover what was read (simulator choice).
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
): ListResult {
  const counts = emptyCounts();
  const found: Conversation[] = [];
  const start = (page - 1) * pageSize;
  let left = searchLimit;
  const buckets = listBuckets(s, accountId).filter((b) => visibleInboxIds.has(b.inbox_id));
  for (const c of walkByActivity(s, buckets)) {
    if (left <= 0) break;
    left -= 1;
    if (!matchesAll(c, conditions, now)) continue;
    if (counts.all_count >= start && counts.all_count < start + pageSize) found.push(c);
    addToCounts(counts, c.assignee_id, viewerId, 1);
  }
  return { counts, page: found };
}
