import { toPathMatcher } from '../glob.ts';
import type { JournalEntry } from '../journal.ts';
import type { RequestMatch } from './schema.ts';

/** Keys treated as volatile by default when JSON bodies are compared (ids, timestamps). */
export const DEFAULT_IGNORED_KEYS = [
  'id',
  '/Id$/',
  '/_id$/',
  '/^uuid$/i',
  '/time/i',
  '/date/i',
  '/At$/',
  '/_at$/',
  '/timestamp/i',
];

/** Turns `/regex/flags` into a RegExp, and anything else into a substring test. */
export function toMatcher(pattern: string): (text: string) => boolean {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (regex) {
    const re = new RegExp(regex[1] ?? '', regex[2]);
    return (text) => re.test(text);
  }
  return (text) => text.includes(pattern);
}

/** A predicate on JSON key names, from exact names and `/regex/` entries. */
export function toKeyFilter(keys: readonly string[]): (key: string) => boolean {
  const tests = keys.map((key) => (/^\/.*\/[a-z]*$/s.test(key) ? toMatcher(key) : (k: string) => k === key));
  return (key) => tests.some((test) => test(key));
}

/** Removes ignored keys from a JSON value, recursively. */
export function stripKeys(value: unknown, ignored: (key: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => stripKeys(v, ignored));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !ignored(key))
        .map(([key, v]) => [key, stripKeys(v, ignored)]),
    );
  }
  return value;
}

/** True when `actual` has every key of `expected` with an equal (or, for objects, matching) value. */
export function isSubset(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => isSubset(item, actual[i]))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) =>
      isSubset(value, (actual as Record<string, unknown>)[key]),
    );
  }
  return Object.is(expected, actual);
}

/** Parses JSON, or returns undefined. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Makes a predicate on journal entries from a request matcher whose templates are already rendered. */
export function toEntryPredicate(
  match: RequestMatch,
  ignored: (key: string) => boolean,
): (entry: JournalEntry) => boolean {
  const path = match.path ? toPathMatcher(match.path) : null;
  const body = match.body;
  const bodyTest =
    body === undefined
      ? null
      : typeof body === 'string'
        ? toMatcher(body)
        : (text: string) => {
            const actual = parseJson(text);
            return (
              actual !== undefined && isSubset(stripKeys(body.json, ignored), stripKeys(actual, ignored))
            );
          };
  return (entry) =>
    (match.method === undefined || entry.method === match.method.toUpperCase()) &&
    (path === null || path(entry.path)) &&
    (match.status === undefined || entry.status === match.status) &&
    (bodyTest === null || bodyTest(entry.requestBody));
}

/** A line diff of two texts: lines only in `expected` start with '- ', lines only in `actual` with '+ '. */
export function renderDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  // Longest common subsequence table, from the end.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`- ${a[i]}`);
      i++;
    } else {
      out.push(`+ ${b[j]}`);
      j++;
    }
  }
  return out.join('\n');
}

/** Pretty JSON for diffs (texts that are not JSON are returned as they are). */
export function toDiffText(value: unknown): string {
  if (typeof value === 'string') {
    const json = parseJson(value);
    return json === undefined ? value : JSON.stringify(json, null, 2);
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

/**
 * A request belongs to a conversation when its id appears as a whole token in the path, query or either body,
 * or (for composite ids like `1:42`) when its parts appear in order as path segments.
 */
export function isRelatedTo(conversationId: string): (entry: JournalEntry) => boolean {
  const escaped = conversationId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const token = new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`);
  const parts = conversationId.split(':');
  const segments =
    parts.length > 1
      ? new RegExp(`/${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('/(?:[^/]+/)*')}(/|$)`)
      : null;
  return (e) =>
    token.test(e.path) ||
    token.test(e.query) ||
    token.test(e.requestBody) ||
    token.test(e.responseBody) ||
    (segments?.test(e.path) ?? false);
}
