import picomatch from 'picomatch';
import { z } from 'zod';

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
};

/** Filter of the request journal, as the admin API and the library take it. */
export const requestFilterSchema = z
  .object({
    provider: z.string().optional(),
    method: z.string().optional(),
    path: z.string().optional().describe('a picomatch glob on the URL path, e.g. **/conversation/start'),
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
  const pathMatches = f.path ? picomatch(f.path, { dot: true }) : null;
  return (e) =>
    (f.provider === undefined || e.provider === f.provider) &&
    (f.method === undefined || e.method === f.method.toUpperCase()) &&
    (pathMatches === null || pathMatches(e.path)) &&
    (f.route === undefined || e.route === f.route) &&
    (f.status === undefined || e.status === f.status) &&
    (f.since === undefined || e.time >= f.since);
}

/** Selects journal entries matching a filter, oldest first, at most `limit` (the newest ones). */
export function selectRequests(journal: readonly JournalEntry[], filter: RequestFilter): JournalEntry[] {
  const matches = journal.filter(toRequestPredicate(filter));
  const limit = filter.limit === undefined ? undefined : Number(filter.limit);
  return limit === undefined ? matches : matches.slice(-limit);
}

/** Turns a Headers object into a plain record with lower-case names. */
export function toHeaderRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}
