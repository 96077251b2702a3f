// The listings of the chatwoot provider: conversations (by activity, filtered), messages and contacts, each reading
// one page through the indexes (searches read at most `searchLimit` records).
import { getOwn } from '../../own.ts';
import type { ListedConversation } from '../../provider/index.ts';
import {
  type Bucket,
  type ChatwootState,
  type Contact,
  type Conversation,
  getConversation,
  getEntry,
  toConversationKey,
} from './model.ts';

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
  /** `sort_by` when it orders by creation: 'asc' or 'desc'; null keeps the latest-activity order. */
  createdOrder: 'asc' | 'desc' | null;
};

/** SortHandler's `sort_by` values that order by creation time. */
const CREATED_SORTS: Readonly<Record<string, 'asc' | 'desc'>> = {
  sort_on_created_at: 'asc',
  created_at_asc: 'asc',
  created_at_desc: 'desc',
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
    conversationType: one('conversation_type'),
    createdOrder: getOwn(CREATED_SORTS, one('sort_by') ?? '') ?? null,
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
export function* walkByActivity(s: ChatwootState, buckets: readonly Bucket[]): Generator<Conversation> {
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

/** The buckets of an account (few: one per inbox, status, assignee and team in use). */
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
  const searching =
    query.q !== null ||
    query.labels.length > 0 ||
    query.conversationType !== null ||
    query.createdOrder !== null;
  if (!searching) {
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
  const walk =
    query.createdOrder === null
      ? walkByActivity(s, base)
      : walkByCreation(s, accountId, query.createdOrder, base, budget);
  for (const c of walk) {
    if (budget.left <= 0) break;
    budget.left -= 1;
    if (!isOfType(c, query.conversationType, viewerId)) continue;
    if (!query.labels.every((l) => c.labels.includes(l))) continue;
    if (needle !== null && !searchMessages(s, c.id, needle, budget)) continue;
    addToCounts(counts, c.assignee_id, viewerId, 1);
    if (!isAssigneeWanted(query.assigneeType, c.assignee_id, viewerId)) continue;
    if (matched >= start && matched < start + pageSize) page.push(c);
    matched += 1;
  }
  return { counts, page };
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
 * The account's conversations of `buckets` in creation order (ids ascend with creation), for `sort_by` by
 * `created_at`. Every id read, kept or skipped, spends one unit of `budget`.
 */
function* walkByCreation(
  s: ChatwootState,
  accountId: number,
  order: 'asc' | 'desc',
  buckets: readonly Bucket[],
  budget: { left: number },
): Generator<Conversation> {
  const wanted = new Set(
    buckets.map((b) => `${b.inbox_id}:${b.status}:${b.assignee_id ?? '-'}:${b.team_id ?? '-'}`),
  );
  const last = s.seq.conversation;
  for (let i = 0; i < last && budget.left > 0; i++) {
    const c = getConversation(s, order === 'asc' ? i + 1 : last - i);
    if (c && c.account_id === accountId && wanted.has(getEntry(s, c.id).bucket)) {
      budget.left += 1; // the caller spends it for the conversation it reads
      yield c;
    }
    budget.left -= 1;
  }
}

/** `GET /messages` params (MessageFinder): ids `after`/`before`, and `filter_internal_messages`. */
export type MessageQuery = { after: number | null; before: number | null; publicOnly: boolean };

/** Reads MessageFinder's params: `after`/`before` as `.to_i` reads them, `filter_internal_messages` when present. */
export function parseMessageQuery(q: Record<string, string | string[]>): MessageQuery {
  const one = (k: string) => {
    const v = getOwn(q, k);
    return Array.isArray(v) ? v[0] : v;
  };
  // `params[:x].present?` then `.to_i`: "12abc" is 12, "abc" is 0.
  const toI = (v: string | undefined) => {
    if (v === undefined || v.trim() === '') return null;
    const m = /^\s*([+-]?\d+)/.exec(v);
    return m ? Number(m[1]) : 0;
  };
  const internal = one('filter_internal_messages');
  return {
    after: toI(one('after')),
    before: toI(one('before')),
    publicOnly: internal !== undefined && internal.trim() !== '',
  };
}

/** How many of the ascending `ids` are below `limit`. */
function countBelow(ids: readonly number[], limit: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The ids of a conversation's page of messages, as MessageFinder picks them: with `after` and `before` the ids from
 * `after` up to `before` (at most 1000), with `before` the 20 before it, with `after` the 100 after it, else the
 * latest 20; oldest first. `filter_internal_messages` leaves out private notes and activity messages. Ids ascend
 * with creation, so the cuts are found by bisection and only the page is read.
 */
export function listMessageIds(s: ChatwootState, conversationId: number, q: MessageQuery): number[] {
  const ids = getEntry(s, conversationId).messageIds;
  const wanted = (id: number) => {
    if (!q.publicOnly) return true;
    const m = getOwn(s.messages, String(id))!;
    return !m.private && m.message_type !== 'activity';
  };
  const forward = (from: number, to: number, limit: number) => {
    const out: number[] = [];
    for (let i = from; i < to && out.length < limit; i++) if (wanted(ids[i]!)) out.push(ids[i]!);
    return out;
  };
  const backward = (end: number, limit: number) => {
    const out: number[] = [];
    for (let i = end - 1; i >= 0 && out.length < limit; i--) if (wanted(ids[i]!)) out.push(ids[i]!);
    return out.reverse();
  };
  if (q.after !== null && q.before !== null)
    return forward(countBelow(ids, q.after), countBelow(ids, q.before), 1000);
  if (q.before !== null) return backward(countBelow(ids, q.before), 20);
  if (q.after !== null) return forward(countBelow(ids, q.after + 1), ids.length, 100);
  return backward(ids.length, 20);
}

/**
 * Contacts of the account whose name, e-mail, phone number or identifier contains `needle` (lower case), newest
 * first. Reads at most `limit` contacts (simulator choice): `count` is the number of matches among them.
 */
export function searchContacts(
  s: ChatwootState,
  accountId: number,
  needle: string,
  skip: number,
  take: number,
  limit: number,
): { count: number; found: Contact[] } {
  const ids = getOwn(s.index.contactsOfAccount, String(accountId)) ?? [];
  const found: Contact[] = [];
  let count = 0;
  for (let i = ids.length - 1; i >= 0 && ids.length - i <= limit; i--) {
    const x = getOwn(s.contacts, String(ids[i]))!;
    const hit =
      (x.name ?? '').toLowerCase().includes(needle) ||
      (x.email ?? '').toLowerCase().includes(needle) ||
      (x.phone_number ?? '').toLowerCase().includes(needle) ||
      (x.identifier ?? '').toLowerCase().includes(needle);
    if (!hit) continue;
    if (count >= skip && count < skip + take) found.push(x);
    count += 1;
  }
  return { count, found };
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
