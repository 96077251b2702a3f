// What an answer built by @hono/node-server's lightweight Response holds, read without turning it into a web
// Response (the journal records every answer's body and headers).

/**
 * The body of an answer built from a string by @hono/node-server's lightweight Response (what `c.json` and
 * `c.text` build once it serves), read without turning it into a web Response: that would build a stream per
 * answer, and a copy to pass on. Undefined for any other answer (read the usual way).
 */
export function keptBody(res: Response): string | null | undefined {
  const cache = lightweightCacheOf(res);
  if (!cache) return undefined;
  const body: unknown = cache[1];
  return typeof body === 'string' || body === null ? body : undefined;
}

/**
 * The headers of such an answer as `toHeaderRecord` gives them (names in lower case and in order, values trimmed),
 * read from the plain record it was built with: reading `headers` would build a web Headers for it, which the
 * server then writes from instead of the record. Undefined when it holds no plain record.
 */
export function keptHeaders(res: Response): Record<string, string> | undefined {
  const cache = lightweightCacheOf(res);
  if (!cache) return undefined;
  const init: unknown = cache[2];
  if (init === undefined) return cache[1] === null ? {} : { 'content-type': DEFAULT_CONTENT_TYPE };
  if (init === null || typeof init !== 'object' || init instanceof Headers || Array.isArray(init))
    return undefined;
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(init)) {
    if (typeof value !== 'string') return undefined;
    entries.push([name.toLowerCase(), value.trim()]);
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const record: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (Object.hasOwn(record, name)) return undefined;
    record[name] = value;
  }
  return record;
}
/** What @hono/node-server's Response answers as its content type when built without headers. */
const DEFAULT_CONTENT_TYPE = 'text/plain; charset=UTF-8';

function lightweightCacheOf(res: Response): unknown[] | undefined {
  lightweightCache ??= Object.getOwnPropertySymbols(res).find((s) => s.description === 'cache') ?? null;
  if (lightweightCache === null) return undefined;
  const cache = (res as unknown as Record<symbol, unknown>)[lightweightCache];
  return Array.isArray(cache) ? cache : undefined;
}
let lightweightCache: symbol | null | undefined;
