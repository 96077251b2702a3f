// `POST /conversations/filter`: its payload's validation and the conditions' evaluation, joined left to right.
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

/** Conversation attributes the filter endpoint accepts. */
export const FILTER_KEYS = [
  'status',
  'assignee_id',
  'inbox_id',
  'team_id',
  'display_id',
  'contact_id',
  'priority',
  'labels',
] as const;
const FILTER_OPERATORS = [
  'equal_to',
  'not_equal_to',
  'contains',
  'does_not_contain',
  'is_present',
  'is_not_present',
] as const;

/** Validates a filter payload: an array of conditions with known attribute keys and operators. */
export function parseFilterPayload(body: Body): Result<FilterCondition[], ChatwootFailure> {
  const payload = body.payload;
  if (!Array.isArray(payload)) return fail(toUnprocessable('payload must be an array of filter conditions'));
  const out: FilterCondition[] = [];
  for (const raw of payload) {
    if (typeof raw !== 'object' || raw === null) return fail(toUnprocessable('Invalid filter condition'));
    const c = raw as Body;
    const key = String(c.attribute_key ?? '');
    if (!(FILTER_KEYS as readonly string[]).includes(key))
      return fail(toUnprocessable(`Invalid attribute key - [${toInputText(key)}]`));
    const op = String(c.filter_operator ?? '');
    if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
      return fail(
        toUnprocessable(
          `Invalid operator. The allowed operators for ${key} are [${FILTER_OPERATORS.join(',')}].`,
        ),
      );
    }
    const qo = typeof c.query_operator === 'string' ? c.query_operator.toUpperCase() : null;
    out.push({
      attribute_key: key,
      filter_operator: op,
      values: Array.isArray(c.values) ? c.values : c.values === undefined ? [] : [c.values],
      query_operator: qo === 'AND' || qo === 'OR' ? qo : null,
    });
  }
  return ok(out);
}

function readAttribute(c: Conversation, key: string): unknown {
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
    default:
      return undefined;
  }
}

function matches(c: Conversation, cond: FilterCondition): boolean {
  const v = readAttribute(c, cond.attribute_key);
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

function matchesAll(c: Conversation, conditions: readonly FilterCondition[]): boolean {
  let acc: boolean | null = null;
  let op: 'AND' | 'OR' = 'AND';
  for (const cond of conditions) {
    const m = matches(c, cond);
    acc = acc === null ? m : op === 'AND' ? acc && m : acc || m;
    op = cond.query_operator ?? 'AND';
  }
  return acc ?? true;
}

/**
 * Applies filter conditions left to right, each joined to the next by its `query_operator` (AND/OR), to the
 * account's conversations, latest activity first. Conditions can combine freely, so the simulator reads at most
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
): ListResult {
  const counts = emptyCounts();
  const found: Conversation[] = [];
  const start = (page - 1) * pageSize;
  let left = searchLimit;
  for (const c of walkByActivity(s, listBuckets(s, accountId))) {
    if (left <= 0) break;
    left -= 1;
    if (!matchesAll(c, conditions)) continue;
    if (counts.all_count >= start && counts.all_count < start + pageSize) found.push(c);
    addToCounts(counts, c.assignee_id, viewerId, 1);
  }
  return { counts, page: found };
}
