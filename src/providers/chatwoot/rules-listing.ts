// The conversation listings of the chatwoot provider (by activity, filtered, sorted), each reading one page through
// the indexes (searches read at most `searchLimit` records). Messages: rules-messages.ts; contacts: rules-search.ts.
import { getOwn } from '../../own.ts';
import type { ListedConversation } from '../../provider/index.ts';
import {
  type Bucket,
  type ChatwootState,
  type Conversation,
  getConversation,
  getEntry,
  toConversationKey,
} from './model.ts';
import { toRubyInteger } from './rules.ts';

/** A `sort_by` of ConversationFinder::SORT_OPTIONS: the SortHandler scope and its direction. */
export type ConversationSort = {
  key: 'last_activity_at' | 'created_at' | 'priority' | 'waiting_since';
  order: 'asc' | 'desc';
};

/** Query of `GET /conversations` (ConversationFinder). */
export type ConversationQuery = {
  assigneeType: string;
  status: string;
  q: string | null;
  inboxId: number | null;
  teamId: number | null;
  labels: string[];
  page: number;
  /** `conversation_type`: `mention`, `participating`, `unattended`, or null. */
  conversationType: string | null;
  /** `sort_by`, latest activity first when absent or unknown. */
  sort: ConversationSort;
  /** `source_id`: conversations of the contact inboxes with this source id (`filter_by_source_id`). */
  sourceId: string | null;
  /** `updated_within` in seconds (`.to_i`): no pages, conversations updated since then. */
  updatedWithin: number | null;
};

const LATEST: ConversationSort = { key: 'last_activity_at', order: 'desc' };

/** ConversationFinder::SORT_OPTIONS (app/finders/conversation_finder.rb), with the names kept until v3.5.0. */
const SORT_OPTIONS: Readonly<Record<string, ConversationSort>> = {
  last_activity_at_asc: { key: 'last_activity_at', order: 'asc' },
  last_activity_at_desc: LATEST,
  created_at_asc: { key: 'created_at', order: 'asc' },
  created_at_desc: { key: 'created_at', order: 'desc' },
  priority_asc: { key: 'priority', order: 'asc' },
  priority_desc: { key: 'priority', order: 'desc' },
  waiting_since_asc: { key: 'waiting_since', order: 'asc' },
  waiting_since_desc: { key: 'waiting_since', order: 'desc' },
  latest: LATEST,
  sort_on_created_at: { key: 'created_at', order: 'asc' },
  sort_on_priority: { key: 'priority', order: 'desc' },
  sort_on_waiting_since: { key: 'waiting_since', order: 'asc' },
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
  const updatedWithin = one('updated_within');
  return {
    assigneeType: one('assignee_type') ?? 'all',
    status: one('status') ?? 'open',
    q: one('q'),
    inboxId: num('inbox_id'),
    // `current_account.teams.find(params[:team_id])`: any value given is looked up (`to_i`), never ignored.
    teamId: one('team_id') === null ? null : toRubyInteger(one('team_id')!),
    labels: Array.isArray(labels) ? labels : labels ? [labels] : [],
    page: Math.max(1, num('page') ?? 1),
    conversationType: one('conversation_type'),
    sort: getOwn(SORT_OPTIONS, one('sort_by') ?? '') ?? LATEST,
    sourceId: one('source_id'),
    // `params[:updated_within].present?`: blank is absent.
    updatedWithin:
      updatedWithin === null || updatedWithin.trim() === '' ? null : toRubyInteger(updatedWithin),
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
 * Walks the conversations of `buckets` from the most recent activity on (or, `asc`, from the oldest), merging the
 * buckets' lists by rank. Each step reads one conversation per bucket head, so a page costs its size times the
 * number of buckets.
 */
export function* walkByActivity(
  s: ChatwootState,
  buckets: readonly Bucket[],
  order: 'asc' | 'desc' = 'desc',
): Generator<Conversation> {
  const cursors: Array<number | null> = [];
  for (const b of buckets) cursors.push(order === 'desc' ? b.head : findTail(s, b));
  for (;;) {
    let best = -1;
    let bestRank = 0;
    for (let i = 0; i < cursors.length; i++) {
      const id = cursors[i];
      if (id === null || id === undefined) continue;
      const rank = getConversation(s, id)!.rank;
      if (best < 0 || (order === 'desc' ? rank > bestRank : rank < bestRank)) {
        best = i;
        bestRank = rank;
      }
    }
    if (best < 0) return;
    const id = cursors[best]!;
    const entry = getEntry(s, id);
    cursors[best] = order === 'desc' ? entry.next : entry.prev;
    yield getConversation(s, id)!;
  }
}

/** A bucket's last conversation; buckets of stores written before `tail` was kept are walked to it once. */
function findTail(s: ChatwootState, b: Bucket): number | null {
  if (b.tail !== undefined) return b.tail;
  let id = b.head;
  while (id !== null && getEntry(s, id).next !== null) id = getEntry(s, id).next;
  return id;
}

/** Priorities in `sort_on_priority` order: `priority asc|desc NULLS LAST` (enum low 1 .. urgent 4). */
const PRIORITY_ORDER = {
  desc: ['urgent', 'high', 'medium', 'low', null],
  asc: ['low', 'medium', 'high', 'urgent', null],
} as const;

/**
 * Walks the conversations of `buckets` as `sort_on_priority` orders them (sort_handler.rb): by priority, NULLS
 * LAST, then latest activity first. Buckets hold one priority each, so this merges the buckets of each priority in
 * turn; a bucket of an older store (no `priority`) is read in every turn for its conversations of that priority.
 */
function* walkByPriority(
  s: ChatwootState,
  buckets: readonly Bucket[],
  order: 'asc' | 'desc',
): Generator<Conversation> {
  for (const priority of PRIORITY_ORDER[order]) {
    const chosen = buckets.filter((b) => b.priority === undefined || b.priority === priority);
    for (const c of walkByActivity(s, chosen)) if (c.priority === priority) yield c;
  }
}

/** The conversations of `buckets` in the order of `sort` when an index keeps it (activity, priority), else null. */
function walkIndexed(
  s: ChatwootState,
  buckets: readonly Bucket[],
  sort: ConversationSort,
): Generator<Conversation> | null {
  if (sort.key === 'last_activity_at') return walkByActivity(s, buckets, sort.order);
  if (sort.key === 'priority') return walkByPriority(s, buckets, sort.order);
  return null;
}

const PRIORITY_RANK: Readonly<Record<string, number>> = { low: 1, medium: 2, high: 3, urgent: 4 };

/**
 * Compares two conversations as the SortHandler scope of `sort` orders them (sort_handler.rb): last_activity_at;
 * created_at; `priority X NULLS LAST, last_activity_at DESC`; `waiting_since X NULLS LAST, created_at ASC`. Ranks
 * stand for activity times and ids for creation times (both ascend with them).
 */
export function compareConversations(sort: ConversationSort): (a: Conversation, b: Conversation) => number {
  const dir = sort.order === 'asc' ? 1 : -1;
  const byRank = (a: Conversation, b: Conversation) => a.rank - b.rank;
  switch (sort.key) {
    case 'last_activity_at':
      return (a, b) => dir * byRank(a, b);
    case 'created_at':
      return (a, b) => dir * (a.id - b.id);
    case 'priority':
      return (a, b) => {
        const pa = a.priority === null ? null : (getOwn(PRIORITY_RANK, a.priority) ?? 0);
        const pb = b.priority === null ? null : (getOwn(PRIORITY_RANK, b.priority) ?? 0);
        if (pa !== pb) return pa === null ? 1 : pb === null ? -1 : dir * (pa - pb);
        return -byRank(a, b);
      };
    default:
      return (a, b) => {
        if (a.waiting_since !== b.waiting_since) {
          if (a.waiting_since === null) return 1;
          if (b.waiting_since === null) return -1;
          return dir * (a.waiting_since - b.waiting_since);
        }
        return a.id - b.id;
      };
  }
}

/** Inserts `c` into `kept` (ordered by `compare`) when it ranks among the first `limit`; costs a bisection. */
function keepFirst(
  kept: Conversation[],
  c: Conversation,
  limit: number,
  compare: (a: Conversation, b: Conversation) => number,
): void {
  let lo = 0;
  let hi = kept.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(kept[mid]!, c) <= 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= limit) return;
  kept.splice(lo, 0, c);
  if (kept.length > limit) kept.pop();
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

export const emptyCounts = (): ListCounts => ({
  mine_count: 0,
  assigned_count: 0,
  unassigned_count: 0,
  all_count: 0,
});

export function addToCounts(
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

/** The buckets of an account (few: one per inbox, status, assignee, team and priority in use). */
export function listBuckets(s: ChatwootState, accountId: number): Bucket[] {
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
 * The conversations of the contact inboxes named by `source_id` (`joins(:contact_inbox)`), through the source id
 * and contact indexes: what the contacts hold, never the account's conversations.
 */
function* walkBySourceId(s: ChatwootState, sourceId: string): Generator<Conversation> {
  for (const ciId of getOwn(s.index.sourceIds, `s:${sourceId}`) ?? []) {
    const ci = getOwn(s.contactInboxes, String(ciId));
    if (!ci) continue;
    for (const id of getOwn(s.index.conversationsOfContact ?? {}, String(ci.contact_id)) ?? []) {
      const c = getConversation(s, id);
      if (c && c.contact_inbox_id === ci.id) yield c;
    }
  }
}

/**
 * Lists conversations in the `sort_by` order, with the counts of the `meta` block (counted before the assignee
 * filter). Status, inbox, team and assignee select whole buckets, so counts are sums, and a page in activity or
 * priority order is a merge of bucket heads. `q`, `labels`, `conversation_type`, `updated_within` and the orders no
 * index keeps (creation, waiting time) are checked conversation by conversation, reading at most `searchLimit`
 * conversations and messages: counts and pages then cover what was read (simulator choice). `source_id` reads the
 * conversations of its contact inboxes only. With `updated_within` the answer is not paged (ConversationFinder).
 */
export function listConversations(
  s: ChatwootState,
  accountId: number,
  viewerId: number | null,
  visibleInboxIds: ReadonlySet<number>,
  query: ConversationQuery,
  pageSize: number,
  searchLimit: number,
  now: number,
): ListResult {
  const isInBase = (c: { inbox_id: number; status: string; team_id: number | null }) =>
    visibleInboxIds.has(c.inbox_id) &&
    // `filter_by_status unless params[:q]`: a text search looks at every status.
    (query.status === 'all' || query.q !== null || c.status === query.status) &&
    (query.inboxId === null || c.inbox_id === query.inboxId) &&
    (query.teamId === null || c.team_id === query.teamId);
  const base = listBuckets(s, accountId).filter(isInBase);
  const paged = query.updatedWithin === null;
  const start = paged ? (query.page - 1) * pageSize : 0;
  const take = paged ? pageSize : searchLimit;
  const counts = emptyCounts();
  const page: Conversation[] = [];
  const cutoff = now - (query.updatedWithin ?? 0) * 1000;
  const isRecent = (c: Conversation) => paged || c.updated_at > cutoff;
  const searching =
    query.q !== null || query.labels.length > 0 || query.conversationType !== null || query.sourceId !== null;
  const indexed = searching ? null : walkIndexed(s, chosenBuckets(base, query, viewerId), query.sort);
  if (indexed) {
    for (const b of base) addToCounts(counts, b.assignee_id, viewerId, b.count);
    if (paged) {
      // A page past the end is empty: known from the bucket sizes, without walking to it.
      const total = chosenBuckets(base, query, viewerId).reduce((n, b) => n + b.count, 0);
      if (start >= total) return { counts, page };
      let seen = 0;
      for (const c of indexed) {
        if (seen >= start + pageSize) break;
        if (seen >= start) page.push(c);
        seen += 1;
      }
      return { counts, page };
    }
    let left = searchLimit;
    for (const c of indexed) {
      if (left-- <= 0) break;
      if (isRecent(c)) page.push(c);
    }
    return { counts, page };
  }
  const needle = query.q ? query.q.toLowerCase() : null;
  const budget = { left: searchLimit };
  // The candidates come in the listing's order when an index or the ids keep it; otherwise the first `take` of
  // those read are kept by comparison.
  let ordered: Generator<Conversation>;
  let inOrder = true;
  if (query.sourceId !== null) {
    ordered = walkBySourceId(s, query.sourceId);
    inOrder = false;
  } else if (query.sort.key === 'created_at') {
    ordered = walkByCreation(s, accountId, query.sort.order, isInBase, budget);
  } else {
    ordered = walkIndexed(s, base, query.sort) ?? walkByActivity(s, base);
    inOrder = query.sort.key !== 'waiting_since';
  }
  const compare = compareConversations(query.sort);
  const kept: Conversation[] = [];
  let matched = 0;
  for (const c of ordered) {
    if (budget.left <= 0) break;
    budget.left -= 1;
    if (!isInBase(c)) continue;
    if (!isOfType(c, query.conversationType, viewerId)) continue;
    // tagged_with(labels, any: true)
    if (query.labels.length > 0 && !query.labels.some((l) => c.labels.includes(l))) continue;
    if (needle !== null && !searchMessages(s, c.id, needle, budget)) continue;
    addToCounts(counts, c.assignee_id, viewerId, 1);
    if (!isAssigneeWanted(query.assigneeType, c.assignee_id, viewerId) || !isRecent(c)) continue;
    if (!inOrder) keepFirst(kept, c, start + take, compare);
    else if (matched >= start && matched < start + take) page.push(c);
    matched += 1;
  }
  return { counts, page: inOrder ? page : kept.slice(start) };
}

/** The buckets `assignee_type` keeps. */
function chosenBuckets(base: readonly Bucket[], query: ConversationQuery, viewerId: number | null): Bucket[] {
  return base.filter((b) => isAssigneeWanted(query.assigneeType, b.assignee_id, viewerId));
}

/**
 * `conversation_type` (ConversationFinder#filter_by_conversation_type): `unattended` is the Conversation.unattended
 * scope (no first reply yet, or waiting); `participating` is approximated by the viewer being the assignee (the
 * simulator keeps no participants; ParticipationListener adds assignees) and `mention` matches nothing (no
 * mentions are kept); simulator choices both.
 */
function isOfType(c: Conversation, type: string | null, viewerId: number | null): boolean {
  switch (type) {
    case 'unattended':
      return c.first_reply_created_at === null || c.waiting_since !== null;
    case 'participating':
      return viewerId !== null && c.assignee_id === viewerId;
    case 'mention':
      return false;
    default:
      return true;
  }
}

/**
 * The account's conversations in creation order (ids ascend with creation), for `sort_by` by `created_at`, those
 * `isWanted` keeps. Every id read, kept or skipped, spends one unit of `budget`.
 */
function* walkByCreation(
  s: ChatwootState,
  accountId: number,
  order: 'asc' | 'desc',
  isWanted: (c: Conversation) => boolean,
  budget: { left: number },
): Generator<Conversation> {
  const last = s.seq.conversation;
  for (let i = 0; i < last && budget.left > 0; i++) {
    const c = getConversation(s, order === 'asc' ? i + 1 : last - i);
    if (c && c.account_id === accountId && isWanted(c)) {
      budget.left += 1; // the caller spends it for the conversation it reads
      yield c;
    }
    budget.left -= 1;
  }
}

/**
 * The admin listing's page of conversations: ids are sequential integers, so a page walks ids upward from the one
 * after `after` (a conversation key).
 */
export function listConversationSummaries(
  s: ChatwootState,
  page: { after: string | null; limit: number },
): ListedConversation[] {
  const afterId = page.after === null ? 0 : (getOwn(s.index.displayIds, page.after) ?? Number.NaN);
  const out: ListedConversation[] = [];
  if (Number.isNaN(afterId)) return out;
  for (let id = afterId + 1; id <= s.seq.conversation && out.length < page.limit; id++) {
    const c = getOwn(s.conversations, String(id));
    if (!c) continue;
    out.push({
      id: toConversationKey(c),
      status: c.status,
      createdAt: c.created_at,
      participants: [
        `contact:${c.contact_id}`,
        ...(c.assignee_id !== null ? [`agent:${c.assignee_id}`] : []),
      ],
      detail: { accountId: c.account_id, displayId: c.display_id, inboxId: c.inbox_id },
    });
  }
  return out;
}

/** `ConversationFinder#set_team`: a team_id that is not a team of the account raises RecordNotFound (404). */
export function isUnknownTeam(s: ChatwootState, accountId: number, query: ConversationQuery): boolean {
  if (query.teamId === null) return false;
  return getOwn(s.teams, String(query.teamId))?.account_id !== accountId;
}
