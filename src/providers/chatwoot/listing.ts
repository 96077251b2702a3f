import type { ChatwootState, Conversation } from './model.ts';
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
    const v = q[k];
    return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
  };
  const num = (k: string) => {
    const v = one(k);
    return v !== null && /^\d+$/.test(v) ? Number(v) : null;
  };
  const labels = q.labels;
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

/** Conversations sorted as Chatwoot's default `latest`: last activity first, then newest id. */
function sortLatest(list: Conversation[]): Conversation[] {
  return [...list].sort((a, b) => b.last_activity_at - a.last_activity_at || b.id - a.id);
}

/** Lists conversations with the counts of the `meta` block (counted before the assignee filter). */
export function listConversations(
  s: ChatwootState,
  accountId: number,
  viewerId: number | null,
  visibleInboxIds: ReadonlySet<number>,
  query: ConversationQuery,
  pageSize: number,
): {
  counts: { mine_count: number; assigned_count: number; unassigned_count: number; all_count: number };
  page: Conversation[];
} {
  let base = s.conversations.filter((c) => c.account_id === accountId && visibleInboxIds.has(c.inbox_id));
  if (query.status !== 'all') base = base.filter((c) => c.status === query.status);
  if (query.inboxId !== null) base = base.filter((c) => c.inbox_id === query.inboxId);
  if (query.teamId !== null) base = base.filter((c) => c.team_id === query.teamId);
  if (query.labels.length > 0) base = base.filter((c) => query.labels.every((l) => c.labels.includes(l)));
  if (query.q) {
    // ConversationFinder#filter_by_query: incoming and outgoing message content, case-insensitive.
    const needle = query.q.toLowerCase();
    base = base.filter((c) =>
      s.messages.some(
        (m) =>
          m.conversation_id === c.id &&
          (m.message_type === 'incoming' || m.message_type === 'outgoing') &&
          (m.content ?? '').toLowerCase().includes(needle),
      ),
    );
  }
  const mine = base.filter((c) => viewerId !== null && c.assignee_id === viewerId);
  const assigned = base.filter((c) => c.assignee_id !== null);
  const unassigned = base.filter((c) => c.assignee_id === null);
  const byType = { me: mine, assigned, unassigned } as Record<string, Conversation[]>;
  const chosen = sortLatest(byType[query.assigneeType] ?? base);
  const start = (query.page - 1) * pageSize;
  return {
    counts: {
      mine_count: mine.length,
      assigned_count: assigned.length,
      unassigned_count: unassigned.length,
      all_count: base.length,
    },
    page: chosen.slice(start, start + pageSize),
  };
}

function readAttribute(c: Conversation, key: string): unknown {
  if (key === 'display_id') return c.display_id;
  if (key === 'labels') return c.labels;
  return (c as Record<string, unknown>)[key];
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

/** Applies filter conditions left to right, each joined to the next by its `query_operator` (AND/OR). */
export function filterConversations(
  s: ChatwootState,
  accountId: number,
  conditions: FilterCondition[],
): Conversation[] {
  const list = s.conversations.filter((c) => c.account_id === accountId);
  const result = list.filter((c) => {
    let acc: boolean | null = null;
    let op: 'AND' | 'OR' = 'AND';
    for (const cond of conditions) {
      const m = matches(c, cond);
      acc = acc === null ? m : op === 'AND' ? acc && m : acc || m;
      op = cond.query_operator ?? 'AND';
    }
    return acc ?? true;
  });
  return sortLatest(result);
}
