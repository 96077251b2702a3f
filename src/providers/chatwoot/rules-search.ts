// The searches of the chatwoot provider (SearchService of Chatwoot 4.12 and the contact search), each reading at
// most `searchLimit` records, newest first, and answering one page (simulator choice: Chatwoot answers from SQL).
import { getOwn } from '../../own.ts';
import type { ChatwootState, Contact, Conversation, Message } from './model.ts';
import { getConversation } from './model.ts';
import { toNewestContactIds } from './model-indexes.ts';
import { isResolvedContact } from './rules-filter.ts';

/** SearchService's page size (`.per(15)`). */
export const SEARCH_PAGE = 15;

/** How far back the message search reaches (`message_base_query`: `created_at >= 3.months.ago`). */
const MESSAGE_WINDOW = 90 * 86_400_000;

/** A search query: `params[:q].to_s.strip`, lower case (ILIKE), and the page. */
export type SearchQuery = { needle: string; page: number };

/** Reads `q` and `page` as SearchService does (`q.to_s.strip`; page from 1). */
export function parseSearchQuery(q: string | undefined, page: string | undefined): SearchQuery {
  return { needle: (q ?? '').trim().toLowerCase(), page: Math.max(1, Number(page) || 1) };
}

const has = (value: string | null | undefined, needle: string) =>
  (value ?? '').toLowerCase().includes(needle);

/** Whether a contact's name, e-mail, phone number or identifier contains `needle` (lower case). */
function isContactHit(x: Contact, needle: string): boolean {
  return (
    has(x.name, needle) || has(x.email, needle) || has(x.phone_number, needle) || has(x.identifier, needle)
  );
}

/**
 * `SearchService#filter_contacts`: resolved contacts matching `q`, by `last_activity_at` DESC NULLS LAST, 15 per
 * page. Reads at most `limit` contacts, newest first, and keeps the first pages' worth by activity.
 */
export function searchContactsByActivity(
  s: ChatwootState,
  accountId: number,
  q: SearchQuery,
  limit: number,
): Contact[] {
  const keep = q.page * SEARCH_PAGE;
  const kept: Contact[] = [];
  const before = (a: Contact, b: Contact) =>
    (a.last_activity_at ?? Number.NEGATIVE_INFINITY) > (b.last_activity_at ?? Number.NEGATIVE_INFINITY);
  for (const id of toNewestContactIds(s, accountId, limit)) {
    const x = getOwn(s.contacts, id);
    if (!x || !isResolvedContact(x) || !isContactHit(x, q.needle)) continue;
    let at = kept.length;
    while (at > 0 && before(x, kept[at - 1]!)) at -= 1;
    if (at >= keep) continue;
    kept.splice(at, 0, x);
    if (kept.length > keep) kept.pop();
  }
  return kept.slice(keep - SEARCH_PAGE);
}

/**
 * `SearchService#filter_conversations`: conversations of the inboxes the caller sees whose display id, or contact
 * name, e-mail, phone number or identifier, contains `q`, newest first (`created_at DESC`), 15 per page. Ids ascend
 * with creation, so the walk goes down from the last id, reading at most `limit` conversations.
 */
export function searchConversations(
  s: ChatwootState,
  accountId: number,
  visibleInboxIds: ReadonlySet<number>,
  q: SearchQuery,
  limit: number,
): Conversation[] {
  const skip = (q.page - 1) * SEARCH_PAGE;
  const out: Conversation[] = [];
  let matched = 0;
  for (let id = s.seq.conversation, read = 0; id > 0 && read < limit && out.length < SEARCH_PAGE; id--) {
    const c = getConversation(s, id);
    if (!c || c.account_id !== accountId || !visibleInboxIds.has(c.inbox_id)) continue;
    read += 1;
    const contact = getOwn(s.contacts, String(c.contact_id));
    const hit =
      String(c.display_id).includes(q.needle) || (contact !== undefined && isContactHit(contact, q.needle));
    if (!hit) continue;
    if (matched >= skip) out.push(c);
    matched += 1;
  }
  return out;
}

/**
 * `SearchService#filter_messages` (the ILIKE variant): messages of the inboxes the caller sees from the last three
 * months whose content contains `q`, newest first, 15 per page. Ids ascend with creation, so the walk goes down from
 * the last id and stops at the window's start, reading at most `limit` messages.
 */
export function searchMessages(
  s: ChatwootState,
  accountId: number,
  visibleInboxIds: ReadonlySet<number>,
  q: SearchQuery,
  limit: number,
  now: number,
): Message[] {
  const skip = (q.page - 1) * SEARCH_PAGE;
  const out: Message[] = [];
  let matched = 0;
  for (let id = s.seq.message, read = 0; id > 0 && read < limit && out.length < SEARCH_PAGE; id--) {
    const m = getOwn(s.messages, String(id));
    if (!m) continue;
    read += 1;
    if (m.created_at < now - MESSAGE_WINDOW) break;
    if (m.account_id !== accountId || !visibleInboxIds.has(m.inbox_id)) continue;
    // A message without content never matches (NULL ILIKE is not true).
    if (m.content === null || !has(m.content, q.needle)) continue;
    if (matched >= skip) out.push(m);
    matched += 1;
  }
  return out;
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
  const found: Contact[] = [];
  let count = 0;
  for (const id of toNewestContactIds(s, accountId, limit)) {
    const x = getOwn(s.contacts, id)!;
    if (!isContactHit(x, needle)) continue;
    if (count >= skip && count < skip + take) found.push(x);
    count += 1;
  }
  return { count, found };
}
