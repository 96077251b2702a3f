import { z } from 'zod';
import { pathGlobSchema, toPathMatcher } from './glob.ts';
import { parseJson } from './http.ts';
import { type NdjsonLog, openNdjsonLog } from './ndjson-log.ts';
import { type Candidates, createWindow, type RecordWindow } from './record-window.ts';

/** One inbound request as recorded, with the answer it got. */
export type JournalEntry = {
  id: string;
  seq: number;
  time: number;
  provider: string | null;
  method: string;
  path: string;
  query: string;
  route: string | null;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  fault: string | null;
  note: string | null;
  /** Simulator-clock milliseconds from the request's arrival to its answer (absent in journals written before it). */
  durationMs?: number;
};

/** Filter of the request journal, as the admin API and the library take it. */
export const requestFilterSchema = z
  .object({
    provider: z.string().optional(),
    method: z.string().optional(),
    path: pathGlobSchema.optional().describe('a glob on the URL path, e.g. **/conversation/start'),
    route: z.string().optional(),
    status: z.coerce.number().int().min(100).max(599).optional(),
    since: z.coerce.number().optional().describe('only entries at or after this time (epoch ms)'),
    after: z.coerce
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("only entries after this journal position (a request's seq, or a mark's requestSeq)"),
    limit: z.coerce.number().int().positive().optional(),
  })
  .strict();

/** A filter of the request journal. */
export type RequestFilter = z.input<typeof requestFilterSchema>;

/**
 * A body matcher: a partial deep match (objects match when each given key matches, arrays element by element with
 * the same length, anything else by equality) of the parsed body, or, in-process, a predicate of it.
 */
export type BodyMatch = unknown;

/** A journal filter with a body matcher; in-process, a predicate of the entry stands for it. */
export type RequestMatch = (RequestFilter & { body?: BodyMatch }) | ((entry: JournalEntry) => boolean);

/** The journal filter with a body matcher, as the admin API takes it (JSON: the body is a partial object). */
export const requestMatchSchema = requestFilterSchema.extend({
  body: z.unknown().optional().describe('a partial deep match of the parsed request body'),
});

/**
 * A recorded body as a value: JSON parsed (when the content type says JSON or the text looks like it), a form as
 * an object of its fields, anything else the text itself; no body is undefined.
 */
export function toBodyValue(text: string, contentType = ''): unknown {
  if (text === '') return undefined;
  const type = contentType.toLowerCase();
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return parseJson(text);
    } catch {
      return text;
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    // fromEntries defines own properties: a field named __proto__ stays a field.
    return Object.fromEntries(new URLSearchParams(text));
  }
  return text;
}

/** True when `actual` matches `expected` partially and deeply (see `BodyMatch`); a function is a predicate. */
export function isPartialMatch(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'function') return Boolean((expected as (value: unknown) => unknown)(actual));
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => isPartialMatch(item, actual[i]))
    );
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) =>
      value === undefined
        ? !Object.hasOwn(actual, key) || (actual as Record<string, unknown>)[key] === undefined
        : Object.hasOwn(actual, key) && isPartialMatch(value, (actual as Record<string, unknown>)[key]),
    );
  }
  return Object.is(expected, actual);
}

/** Makes a predicate from a request match (filter and body, or a predicate as is). */
export function toRequestMatcher(match: RequestMatch): (entry: JournalEntry) => boolean {
  if (typeof match === 'function') return match;
  const { body, ...filter } = match;
  const predicate = toRequestPredicate(filter);
  if (body === undefined) return predicate;
  return (e) =>
    predicate(e) && isPartialMatch(body, toBodyValue(e.requestBody, e.requestHeaders['content-type']));
}

/** Makes a predicate from a journal filter. */
export function toRequestPredicate(filter: RequestFilter): (entry: JournalEntry) => boolean {
  const f = requestFilterSchema.parse(filter);
  const pathMatches = f.path ? toPathMatcher(f.path) : null;
  return (e) =>
    (f.provider === undefined || e.provider === f.provider) &&
    (f.method === undefined || e.method === f.method.toUpperCase()) &&
    (pathMatches === null || pathMatches(e.path)) &&
    (f.route === undefined || e.route === f.route) &&
    (f.status === undefined || e.status === f.status) &&
    (f.since === undefined || e.time >= f.since) &&
    (f.after === undefined || e.seq > f.after);
}

/** Turns a Headers object into a plain record with lower-case names. */
export function toHeaderRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/** How much of the journal is held, and how much was let go. */
export type WindowStats = { size: number; limit: number; evicted: number; oldestSeq: number | null };

/**
 * The request journal: an append-only NDJSON file beside the store (rotated by size) and a bounded window of
 * the newest entries in memory, indexed for the admin queries. Entries older than the window are evicted from
 * memory (still in the file until rotated away).
 */
export type Journal = {
  /** The next request sequence number (ids are never handed out twice, across restarts too). */
  nextSeq(): number;
  /** Records an entry (written to the file at the end of this turn of the event loop: see `written`). */
  append(entry: JournalEntry): void;
  /** Resolves once every recorded entry is in the file (undefined when none waits); `soon`: see NdjsonLog. */
  written(soon?: boolean): Promise<void> | undefined;
  /** Entries matching a filter, oldest first, at most `limit` (the newest ones). */
  select(filter?: RequestFilter): JournalEntry[];
  count(filter?: RequestFilter): number;
  /** The oldest entry in the window matching a filter (and `also`, when given). */
  find(filter: RequestFilter, also?: (entry: JournalEntry) => boolean): JournalEntry | undefined;
  /** The seq of the newest entry recorded (0 before any): a journal position for `after`. */
  lastSeq(): number;
  stats(): WindowStats;
  /** Empties the journal (memory and files); `restartIds` also starts request ids from 1 again (reset). */
  clear(restartIds?: boolean): void;
  close(): void;
};

/** Options of `createJournal`. */
export type JournalOptions = {
  /** The NDJSON file, or null to keep the journal in memory only. */
  file: string | null;
  /** Entries kept in memory (default 10,000). */
  limit?: number;
  /** Rotate the file past this size (default 32 MiB). */
  maxFileBytes?: number;
  /** Called when the file cannot be written (the entries stay in memory). */
  onError?(error: unknown): void;
};

const INDEXED = ['provider', 'route', 'status', 'method'] as const;

/** Opens the journal; a file journal refills its window from the file's tail. */
export function createJournal(options: JournalOptions): Journal {
  const limit = options.limit ?? 10_000;
  const file: NdjsonLog | null = options.file
    ? openNdjsonLog(options.file, { maxBytes: options.maxFileBytes, onError: options.onError })
    : null;
  let window: RecordWindow<JournalEntry> = createWindow(limit, INDEXED);
  let seq = 0;
  for (const entry of (file?.readTail(limit) ?? []) as JournalEntry[]) {
    window.add(entry);
    seq = Math.max(seq, entry.seq);
  }

  // The candidates of a filter, oldest first (list[from] on); with `after`, only those past it (found by
  // bisection: seq ascends).
  const candidates = (filter: RequestFilter): Candidates<JournalEntry> => {
    const { list, from } = window.candidates({
      provider: filter.provider,
      route: filter.route,
      status: filter.status === undefined ? undefined : Number(filter.status),
      method: filter.method?.toUpperCase(),
    });
    if (filter.after === undefined) return { list, from };
    const after = Number(filter.after);
    let low = from;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (list[mid]!.seq <= after) low = mid + 1;
      else high = mid;
    }
    return { list, from: low };
  };

  // Walks from the newest candidate back: a small `limit` reads only the newest few.
  const select = (filter: RequestFilter = {}) => {
    const predicate = toRequestPredicate(filter);
    const limitOf = filter.limit === undefined ? Number.POSITIVE_INFINITY : Number(filter.limit);
    const out: JournalEntry[] = [];
    const { list, from } = candidates(filter);
    for (let i = list.length - 1; i >= from && out.length < limitOf; i--) {
      if (predicate(list[i]!)) out.push(list[i]!);
    }
    return out.reverse();
  };

  return {
    nextSeq: () => ++seq,
    append(entry) {
      window.add(entry);
      file?.queue(entry);
    },
    written: (soon) => file?.written(soon),
    select,
    count: (filter = {}) => select({ ...filter, limit: undefined }).length,
    find(filter, also) {
      const predicate = toRequestPredicate(filter);
      const { list, from } = candidates(filter);
      for (let i = from; i < list.length; i++) {
        const entry = list[i]!;
        if (predicate(entry) && (also === undefined || also(entry))) return entry;
      }
      return undefined;
    },
    lastSeq: () => seq,
    stats: () => window.stats(),
    clear(restartIds = false) {
      file?.clear();
      window = createWindow(limit, INDEXED);
      if (restartIds) seq = 0;
    },
    close() {
      file?.close();
    },
  };
}
