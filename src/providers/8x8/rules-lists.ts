// Pure validation of 8x8 list queries (both APIs): paging, `sort` and a FIQL `filter`.
import { getOwn, isRecord } from '../../own.ts';
import { fail, ok } from '../../provider/index.ts';
import { issue, type Parsed, Reader, show } from './rules.ts';

/** A list query: page, sort and filter. */
export type ListQuery = {
  size: number;
  page: number;
  field: string;
  direction: 'asc' | 'desc';
  filter: FiqlTerm[][];
};

/** Reads paging, `sort` (`field[:asc|desc]`) and a FIQL `filter`, in that order; the first bad one fails. */
export function parseListQuery(
  query: Record<string, string | undefined>,
  sortable: readonly string[],
  defaultSort: string,
): Parsed<ListQuery> {
  const paging = parsePaging(query);
  if (!paging.ok) return paging;
  const sort = parseSort(getOwn(query, 'sort'), defaultSort, sortable);
  if (!sort.ok) return sort;
  const filter = parseFilter(getOwn(query, 'filter'));
  if (!filter.ok) return filter;
  return ok({ ...paging.value, ...sort.value, filter: filter.value });
}

/** Paging query: `size` >= 1 (default 20), `page` >= 0 (default 0). */
export function parsePaging(
  query: Record<string, string | undefined>,
): Parsed<{ size: number; page: number }> {
  const r = new Reader(query);
  const read = (field: 'size' | 'page', fallback: number, min: number) => {
    const raw = query[field];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > 10_000) {
      r.fail(field, raw, `Must be an integer between ${min} and 10000.`);
      return fallback;
    }
    return n;
  };
  return r.done({ size: read('size', 20, 1), page: read('page', 0, 0) });
}

/** A sort order `field[:asc|desc]`. */
export function parseSort(raw: string | undefined, fallback: string, fields: readonly string[]) {
  const r = new Reader({});
  const [field = '', direction = 'asc'] = (raw || fallback).split(':');
  if (!fields.includes(field))
    r.fail('sort', raw, `Must be one of ${fields.join(', ')} with an optional :asc or :desc.`);
  if (direction !== 'asc' && direction !== 'desc') r.fail('sort', raw, 'Direction must be asc or desc.');
  return r.done({ field, direction: direction as 'asc' | 'desc' });
}

/** One FIQL comparison (`a==b` or `a!=b`); a filter is an OR (`,`) of ANDs (`;`). */
export type FiqlTerm = { field: string; op: '==' | '!='; value: string };

/** Parses a simple FIQL filter (no nesting: parentheses are ignored). */
export function parseFilter(raw: string | undefined): Parsed<FiqlTerm[][]> {
  if (raw === undefined || raw === '') return ok([]);
  const groups: FiqlTerm[][] = [];
  for (const group of raw.replace(/[()]/g, '').split(',')) {
    const terms: FiqlTerm[] = [];
    for (const part of group.split(';')) {
      const match = /^([\w.]+)(==|!=)(.*)$/.exec(part.trim());
      if (!match)
        return fail([issue('filter', raw, `Invalid FIQL expression '${show(part)}'.`, 'invalid_filter')]);
      terms.push({ field: match[1]!, op: match[2] as '==' | '!=', value: match[3]! });
    }
    groups.push(terms);
  }
  return ok(groups);
}

/** True when `item` passes a parsed FIQL filter; `*` in a value matches any characters. */
export function isFilterMatch(item: unknown, filter: FiqlTerm[][]): boolean {
  if (filter.length === 0) return true;
  const get = (field: string) => {
    let value: unknown = item;
    for (const key of field.split('.')) value = isRecord(value) ? getOwn(value, key) : undefined;
    return value;
  };
  return filter.some((terms) =>
    terms.every(({ field, op, value }) => {
      const actual = get(field);
      const equal =
        actual !== undefined &&
        actual !== null &&
        typeof actual !== 'object' &&
        isWildcardMatch(String(actual), value);
      return op === '==' ? equal : !equal;
    }),
  );
}

/**
 * Matches `text` against a pattern where `*` stands for any characters. Without a regular expression: each
 * literal piece is found in order (first occurrence), so the cost is linear, whatever the pattern.
 */
export function isWildcardMatch(text: string, pattern: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return text === pattern;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    const found = text.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
