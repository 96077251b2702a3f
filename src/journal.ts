import { z } from 'zod';
import { pathGlobSchema, toPathMatcher } from './glob.ts';
import { type NdjsonLog, openNdjsonLog } from './ndjson-log.ts';
import { createWindow, type RecordWindow } from './record-window.ts';

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
    limit: z.coerce.number().int().positive().optional(),
  })
  .strict();

/** A filter of the request journal. */
export type RequestFilter = z.input<typeof requestFilterSchema>;

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
    (f.since === undefined || e.time >= f.since);
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
  /** Records an entry (written to the file before returning). */
  append(entry: JournalEntry): void;
  /** Entries matching a filter, oldest first, at most `limit` (the newest ones). */
  select(filter?: RequestFilter): JournalEntry[];
  count(filter?: RequestFilter): number;
  /** The oldest entry in the window matching a filter. */
  find(filter: RequestFilter): JournalEntry | undefined;
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
};

const INDEXED = ['provider', 'route', 'status', 'method'] as const;

/** Opens the journal; a file journal refills its window from the file's tail. */
export function createJournal(options: JournalOptions): Journal {
  const limit = options.limit ?? 10_000;
  const file: NdjsonLog | null = options.file
    ? openNdjsonLog(options.file, { maxBytes: options.maxFileBytes })
    : null;
  let window: RecordWindow<JournalEntry> = createWindow(limit, INDEXED);
  let seq = 0;
  for (const entry of (file?.readTail(limit) ?? []) as JournalEntry[]) {
    window.add(entry);
    seq = Math.max(seq, entry.seq);
  }

  const candidates = (filter: RequestFilter) =>
    window.candidates({
      provider: filter.provider,
      route: filter.route,
      status: filter.status === undefined ? undefined : Number(filter.status),
      method: filter.method?.toUpperCase(),
    });

  const select = (filter: RequestFilter = {}) => {
    const predicate = toRequestPredicate(filter);
    const limitOf = filter.limit === undefined ? Number.POSITIVE_INFINITY : Number(filter.limit);
    const out: JournalEntry[] = [];
    const list = candidates(filter);
    for (let i = list.length - 1; i >= 0 && out.length < limitOf; i--) {
      if (predicate(list[i]!)) out.push(list[i]!);
    }
    return out.reverse();
  };

  return {
    nextSeq: () => ++seq,
    append(entry) {
      window.add(entry);
      file?.append(entry);
    },
    select,
    count: (filter = {}) => select({ ...filter, limit: undefined }).length,
    find(filter) {
      const predicate = toRequestPredicate(filter);
      return candidates(filter).find(predicate);
    },
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
