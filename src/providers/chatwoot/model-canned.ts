// The canned response transitions (saved replies): create, update, delete, with the per-account index.
import { getOwn } from '../../own.ts';
import type { CannedResponse, ChatwootState } from './model.ts';
import type { Applied } from './model-outcomes.ts';

/** Adds a canned response and indexes it by account; returns its id. No webhook. */
export function applyCannedCreate(
  s: ChatwootState,
  input: { accountId: number; short_code: string; content: string },
  now: number,
): Applied<number> {
  s.seq.canned = (s.seq.canned ?? 0) + 1;
  const id = s.seq.canned;
  s.cannedResponses ??= {};
  s.cannedResponses[String(id)] = {
    id,
    account_id: input.accountId,
    short_code: input.short_code,
    content: input.content,
    created_at: now,
    updated_at: now,
  };
  s.index.cannedOfAccount ??= {};
  const list = getOwn(s.index.cannedOfAccount, String(input.accountId));
  if (list) list.push(id);
  else s.index.cannedOfAccount[String(input.accountId)] = [id];
  return { value: id, outcome: [] };
}

/** Changes what was given of a canned response. */
export function applyCannedUpdate(
  s: ChatwootState,
  input: { id: number; changes: Partial<Pick<CannedResponse, 'short_code' | 'content'>> },
  now: number,
): Applied<void> {
  const c = getOwn(s.cannedResponses ?? {}, String(input.id))!;
  if (input.changes.short_code !== undefined) c.short_code = input.changes.short_code;
  if (input.changes.content !== undefined) c.content = input.changes.content;
  c.updated_at = now;
  return { value: undefined, outcome: [] };
}

/** Removes a canned response and its index entry (an account has few). */
export function applyCannedRemoval(s: ChatwootState, input: { id: number }): Applied<void> {
  const c = getOwn(s.cannedResponses ?? {}, String(input.id));
  if (!c) return { value: undefined, outcome: [] };
  delete s.cannedResponses![String(input.id)];
  const list = getOwn(s.index.cannedOfAccount ?? {}, String(c.account_id)) ?? [];
  const at = list.indexOf(input.id);
  if (at >= 0) list.splice(at, 1);
  // An account without canned responses has no list, as a rebuild leaves it.
  if (list.length === 0 && s.index.cannedOfAccount) delete s.index.cannedOfAccount[String(c.account_id)];
  return { value: undefined, outcome: [] };
}
