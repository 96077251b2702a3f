import { getOwn } from '../../own.ts';
import { type Bucket, type ChatwootState, type Conversation, getConversation, getEntry } from './model.ts';
import type { FilterCondition } from './rules-resources.ts';

/** Query of `GET /conversations` (ConversationFinder). */
export type ConversationQuery = {
  assigneeType: string;
  status: string;
  q: string | null;
  inboxId: number | null;
  teamId: number | null;
  labels: string[];
  page: number;
};

/** Reads the list query with ConversationFinder's defaults: status open, no assignee filter, page 1. */
export function parseConversationQuery(q: Record<string, string | string[]>): ConversationQuery {
  const one = (k: string) => {
    const v = getOwn(q, k);
    return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
  };
  const num = (k: string) => {
    const v = one(k);
    return v !== null && /^\d+$/.test(v) ? Number(v) : null;
  };
  const labels = getOwn(q, 'labels');
  return {
    assigneeType: one('assignee_type') ?? 'all',
    status: one('status') ?? 'open',
    q: one('q'),
    inboxId: num('inbox_id'),
    teamId: num('team_id'),
    labels: Array.isArray(labels) ? labels : labels ? [labels] : [],
    page: Math.max(1, num('page') ?? 1),
  };
}

/** The `meta` counts of a conversation listing. */
export type ListCounts = {
  mine_count: number;
  assigned_count: number;
  unassigned_count: number;
  all_count: number;
};

/** A page of conversations and the counts of everything the filters select. */
export type ListResult = { counts: ListCounts; page: Conversation[] };

/**
 * Walks the conversations of `buckets` from the most recent activity on, merging the buckets' lists by rank.
 * Each step reads one conversation per bucket head, so a page costs its size times the number of buckets.
 */
function* walkByActivity(s: ChatwootState, buckets: readonly Bucket[]): Generator<Conversation> {
  const cursors: Array<number | null> = [];
  for (const b of buckets) cursors.push(b.head);
  for (;;) {
    let best = -1;
    let bestRank = -1;
    for (let i = 0; i < cursors.length; i++) {
      const id = cursors[i];
      if (id === null || id === undefined) continue;
      const rank = getEntry(s, id).rank;
      if (rank > bestRank) {
        best = i;
        bestRank = rank;
      }
    }
    if (best < 0) return;
    const id = cursors[best]!;
    cursors[best] = getEntry(s, id).next;
    yield getConversation(s, id)!;
  }
}

/** Whether an assignee passes `assignee_type` (`me`, `assigned`, `unassigned`; anything else passes all). */
function isAssigneeWanted(type: string, assigneeId: number | null, viewerId: number | null): boolean {
  switch (type) {
    case 'me':
      return viewerId !== null && assigneeId === viewerId;
    case 'assigned':
      return assigneeId !== null;
    case 'unassigned':
      return assigneeId === null;
    default:
      return true;
  }
}

const emptyCounts = (): ListCounts => ({
  mine_count: 0,
  assigned_count: 0,
  unassigned_count: 0,
  all_count: 0,
});

function addToCounts(
  counts: ListCounts,
  assigneeId: number | null,
  viewerId: number | null,
  n: number,
): void {
  counts.all_count += n;
  if (assigneeId === null) counts.unassigned_count += n;
  else counts.assigned_count += n;
  if (viewerId !== null && assigneeId === viewerId) counts.mine_count += n;
}

/** The buckets of an account (few: one per inbox, status, assignee and team in use). */
function listBuckets(s: ChatwootState, accountId: number): Bucket[] {
  return Object.values(getOwn(s.index.buckets, String(accountId)) ?? {});
}

/**
 * Whether an incoming or outgoing message of the conversation contains `needle` (lower case), newest first
 * (ConversationFinder#filter_by_query). Each message read spends one unit of `budget`.
 */
function searchMessages(
  s: ChatwootState,
  conversationId: number,
  needle: string,
  budget: { left: number },
): boolean {
  const ids = getEntry(s, conversationId).messageIds;
  for (let i = ids.length - 1; i >= 0 && budget.left > 0; i--) {
    budget.left -= 1;
    const m = getOwn(s.messages, String(ids[i]))!;
    const searchable = m.message_type === 'incoming' || m.message_type === 'outgoing';
    if (searchable && (m.content ?? '').toLowerCase().includes(needle)) return true;
  }
  return false;
}

/**
 * Lists conversations, latest activity first, with the counts of the `meta` block (counted before the assignee
 * filter). Status, inbox, team and assignee select whole buckets, so counts are sums and a page is a merge of
 * bucket heads. `q` and `labels` are checked conversation by conversation, newest first, reading at most
 * `searchLimit` conversations and messages: counts and pages then cover what was read (simulator choice).
 */
export function listConversations(
  s: ChatwootState,
  accountId: number,
  viewerId: number | null,
  visibleInboxIds: ReadonlySet<number>,
  query: ConversationQuery,
  pageSize: number,
  searchLimit: number,
): ListResult {
  const base = listBuckets(s, accountId).filter(
    (b) =>
      visibleInboxIds.has(b.inbox_id) &&
      (query.status === 'all' || b.status === query.status) &&
      (query.inboxId === null || b.inbox_id === query.inboxId) &&
      (query.teamId === null || b.team_id === query.teamId),
  );
  const start = (query.page - 1) * pageSize;
  const counts = emptyCounts();
  const page: Conversation[] = [];
  if (!query.q && query.labels.length === 0) {
    for (const b of base) addToCounts(counts, b.assignee_id, viewerId, b.count);
    const chosen = base.filter((b) => isAssigneeWanted(query.assigneeType, b.assignee_id, viewerId));
    // A page past the end is empty: known from the bucket sizes, without walking to it.
    if (start >= chosen.reduce((n, b) => n + b.count, 0)) return { counts, page };
    let seen = 0;
    for (const c of walkByActivity(s, chosen)) {
      if (seen >= start + pageSize) break;
      if (seen >= start) page.push(c);
      seen += 1;
    }
    return { counts, page };
  }
  const needle = query.q ? query.q.toLowerCase() : null;
  const budget = { left: searchLimit };
  let matched = 0;
  for (const c of walkByActivity(s, base)) {
    if (budget.left <= 0) break;
    budget.left -= 1;
    if (!query.labels.every((l) => c.labels.includes(l))) continue;
    if (needle !== null && !searchMessages(s, c.id, needle, budget)) continue;
    addToCounts(counts, c.assignee_id, viewerId, 1);
    if (!isAssigneeWanted(query.assigneeType, c.assignee_id, viewerId)) continue;
    if (matched >= start && matched < start + pageSize) page.push(c);
    matched += 1;
  }
  return { counts, page };
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
