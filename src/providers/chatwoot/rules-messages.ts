// A conversation's page of messages, as MessageFinder picks it: `after`/`before` cuts found by bisection over the
// conversation's ascending message ids, so only the page is read.
import { getOwn } from '../../own.ts';
import { type ChatwootState, getEntry } from './model.ts';
import { toRubyInteger } from './rules.ts';

/** `GET /messages` params (MessageFinder): ids `after`/`before`, and `filter_internal_messages`. */
export type MessageQuery = { after: number | null; before: number | null; publicOnly: boolean };

/** Reads MessageFinder's params: `after`/`before` as `.to_i` reads them, `filter_internal_messages` when present. */
export function parseMessageQuery(q: Record<string, string | string[]>): MessageQuery {
  const one = (k: string) => {
    const v = getOwn(q, k);
    return Array.isArray(v) ? v[0] : v;
  };
  // `params[:x].present?` then `.to_i`: "12abc" is 12, "abc" is 0.
  const toI = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : toRubyInteger(v));
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
