import type { IncomingMessage } from 'node:http';
import { type Context, Hono, type Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import type { Clock } from './clock.ts';
import { DroppedConnection } from './errors.ts';
import { explainUnmatched, type KnownRoute } from './explain.ts';
import type { FaultTable } from './faults.ts';
import { type Journal, type JournalEntry, toHeaderRecord } from './journal.ts';
import { keptBody, keptHeaders } from './kept-response.ts';
import type { CoreError, ProviderContext, ProviderDefinition } from './provider/contract.ts';
import { Refusal } from './provider/refusal.ts';
import { CachedTrieRouter } from './route-cache.ts';
import type { SignalBus } from './signals.ts';
import { StoreWriteError } from './store.ts';

/** Per-request variables the core sets. */
export type SimEnv = {
  Bindings: { incoming?: IncomingMessage };
  Variables: { provider: string | null; fault: string | null; note: string | null };
};

/** What the request pipeline needs. */
export type PipelineDeps = {
  providers: readonly ProviderDefinition<unknown, unknown, unknown>[];
  clock: Clock;
  journal: Journal;
  faults: FaultTable;
  signals: SignalBus;
  bodyLimit: number;
  contextOf(name: string): ProviderContext<unknown, unknown>;
  onInternalError(error: unknown, c: Context): void;
  /**
   * Resolves once the state changes of this turn are in the write-ahead log (undefined when none waits); rejects
   * with a StoreWriteError when they could not be written (and were undone).
   */
  durable?(): Promise<void> | undefined;
  /**
   * Resolves once the journal entries and delivery records of this turn are in their files (undefined when none
   * waits). With `soon`, they are written as soon as the promise reactions now running have run (see NdjsonLog).
   */
  written?(soon: boolean): Promise<void> | undefined;
};

const ADMIN = '/__admin';
const INSPECTOR = '/__inspector';
/** The simulator's own pages and API, which are not journaled. */
const isOwnPath = (path: string) =>
  [ADMIN, INSPECTOR].some((base) => path === base || path.startsWith(`${base}/`));
/** Hono's per-request cache of the body, in the forms read so far. */
type BodyCache = { text?: Promise<string>; arrayBuffer?: Promise<ArrayBuffer> };
const MAX_RECORDED_BODY = 64 * 1024;

/**
 * The app every route hangs on: journal, provider selection, body limit, fault injection,
 * explained 404s and one error handler. Provider routes and admin routes are mounted by the caller.
 */
export function createPipeline(deps: PipelineDeps): Hono<SimEnv> {
  const { providers, clock, journal, faults, signals } = deps;
  const app = new Hono<SimEnv>({ router: new CachedTrieRouter() });
  // Every base path with the provider that owns it and the renderer of its errors (a surface's, else the
  // provider's). The longest base path that prefixes a request's path wins.
  type Owner = {
    base: string;
    /** What a path below the base starts with: the base with one trailing slash. */
    prefix: string;
    provider: ProviderDefinition<unknown, unknown, unknown>;
    render: ProviderDefinition<unknown, unknown, unknown>['renderError'];
  };
  const toOwner = (base: string, provider: Owner['provider'], render: Owner['render']): Owner => ({
    base,
    prefix: base.endsWith('/') ? base : `${base}/`,
    provider,
    render,
  });
  // A surface's entry comes first, so it wins over its provider's entry for the same base path.
  const owners: Owner[] = providers.flatMap((provider) => [
    ...(provider.surfaces ?? []).flatMap((surface) =>
      surface.basePaths.map((base) => toOwner(base, provider, surface.renderError)),
    ),
    ...provider.basePaths.map((base) => toOwner(base, provider, provider.renderError)),
  ]);
  const ownerOf = (path: string) => {
    let best: Owner | null = null;
    for (const owner of owners) {
      const { base } = owner;
      if ((path === base || path.startsWith(owner.prefix)) && base.length > (best?.base.length ?? -1)) {
        best = owner;
      }
    }
    return best;
  };
  const providerFor = (path: string) => ownerOf(path)?.provider ?? null;
  const renderCoreError = (c: Context<SimEnv>, error: CoreError, extra: Record<string, unknown> = {}) => {
    const owner = c.get('provider') === null ? null : ownerOf(c.req.path);
    return owner
      ? owner.render(c, error, deps.contextOf(owner.provider.name))
      : c.json({ error: error.message, ...extra }, error.status as 400);
  };

  /**
   * Waits until the changes of this turn are in the write-ahead log, so that an answer is only sent for what a
   * killed process keeps. When they could not be written (and were undone), the answer becomes a 503. Answers
   * whether it waited (the request then goes on after the end of the turn).
   */
  const awaitDurable = async (c: Context<SimEnv>): Promise<boolean> => {
    const durable = deps.durable?.();
    if (!durable) return false;
    try {
      await durable;
    } catch (error) {
      if (!(error instanceof StoreWriteError)) throw error;
      c.set('note', error.message);
      c.res = undefined;
      c.res = renderCoreError(c, { status: 503, kind: 'internal', message: error.message });
    }
    return true;
  };

  // The answers of a turn of the event loop are sent together at its end, on a memory store too (a file store's
  // wait there for the turn's writes): the client is woken once for them, not once each (measured: about a fifth
  // less CPU per request on a memory store at 10 connections).
  let turnEnd: Promise<void> | null = null;
  const endOfTurn = () =>
    (turnEnd ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        turnEnd = null;
        resolve();
      }),
    ));
  // An answer that waited for the store's write at the end of a turn has its journal entry written right after the
  // reactions to that write, not at the end of the next turn (measured: see docs/decisions/0002-store.md).
  const awaitWritten = (afterStore = false) => deps.written?.(afterStore) ?? endOfTurn();

  // The journal wraps everything (but the admin API and the inspector), so even refused requests are recorded.
  // Every answer is sent once what it acknowledges is on disk: the state changes, then its journal entry and the
  // delivery records of the turn (each written once per turn of the event loop for all requests, not per request).
  app.use('*', async (c, next) => {
    const isAdmin = isOwnPath(c.req.path);
    c.set('provider', isAdmin ? null : (providerFor(c.req.path)?.name ?? null));
    c.set('fault', null);
    c.set('note', null);
    if (isAdmin) {
      await next();
      await awaitDurable(c);
      await awaitWritten();
      return;
    }
    const time = clock.now();
    // Counted in flight until its journal entry is signalled (`idle({settleMs})` waits for it).
    signals.emit('request.started', { method: c.req.method, path: c.req.path, time });
    let thrown: unknown;
    try {
      await next();
    } catch (error) {
      thrown = error;
    }
    // Numbered when handled, before its answer waits for the store: the order of requests and what they caused.
    const seq = journal.nextSeq();
    signals.emit('request.handled', { id: `req-${seq}`, seq });
    const afterStore = !thrown && (await awaitDurable(c));
    await record(c, time, thrown, seq, afterStore);
    if (thrown) throw thrown;
  });

  const record = async (
    c: Context<SimEnv>,
    time: number,
    thrown: unknown,
    seq: number,
    afterStore: boolean,
  ) => {
    const { path, query } = splitUrl(c.req.url);
    const { bodyCache } = c.req as unknown as { bodyCache: BodyCache };
    const requestBody = bodyCache.text
      ? await bodyCache.text.then(clip, () => '')
      : bodyCache.arrayBuffer
        ? await bodyCache.arrayBuffer.then(decode, () => '')
        : '';
    const route = matchedRoutes(c)
      .filter((r) => r.method !== 'ALL')
      .at(-1)?.path;
    let responseBody = '';
    if (!thrown) {
      const original = c.res;
      const kept = keptBody(original);
      if (kept !== undefined) {
        responseBody = kept ?? '';
      } else if (original.body !== null && isTextual(original.headers.get('content-type'))) {
        // Read a text answer once and pass on a copy built from the text: far cheaper than clone()'s stream tee.
        responseBody = await original.text();
        c.res = undefined;
        c.res = new Response(responseBody, original);
      } else if (original.body !== null) {
        responseBody = await original.clone().text();
      }
    }
    const response = thrown ? null : c.res;
    const entry: JournalEntry = {
      id: `req-${seq}`,
      seq,
      time,
      provider: c.get('provider'),
      method: c.req.method,
      path,
      query,
      route: route ?? null,
      requestHeaders: c.env?.incoming ? fromIncoming(c.env.incoming) : toHeaderRecord(c.req.raw.headers),
      requestBody,
      status: response?.status ?? 0,
      responseHeaders: response ? (keptHeaders(response) ?? toHeaderRecord(response.headers)) : {},
      responseBody: clip(responseBody),
      fault: c.get('fault'),
      note: thrown instanceof DroppedConnection ? 'connection dropped (fault)' : c.get('note'),
      durationMs: clock.now() - time,
    };
    journal.append(entry);
    // Signalled once its entry is in the file: `idle()` counts the request in flight until then.
    await awaitWritten(afterStore);
    signals.emit('request', entry);
  };

  const tooLarge = (c: Context) => {
    const res = renderCoreError(c as Context<SimEnv>, {
      status: 413,
      kind: 'payload-too-large',
      message: `Request body exceeds the limit of ${deps.bodyLimit} bytes`,
    });
    // The rest of the body is never read, so the connection cannot carry another request: say so.
    res.headers.set('connection', 'close');
    return res;
  };
  const limitBody = bodyLimit({ maxSize: deps.bodyLimit, onError: tooLarge });

  // The body limit, the body read once, then the faults: one middleware (each level of Hono's compose costs a
  // closure, an async call and a promise per request).
  app.use('*', async (c, next) => {
    const { method } = c.req;
    if (method === 'GET' || method === 'HEAD') return applyFault(c, next);
    // Over HTTP with a declared length (Node's parser holds the body to it), the length alone decides, and the
    // body is read straight from the socket: touching `c.req.raw.body` (as Hono's bodyLimit does) would build
    // a web Request with a stream and an abort signal for every request, a fifth of the CPU of a write.
    // Chunked bodies and in-process requests go through bodyLimit, which counts while it reads.
    const declared = c.env?.incoming ? c.req.header('content-length') : undefined;
    if (declared === undefined || c.req.header('transfer-encoding') !== undefined) {
      return limitBody(c, () => readBody(c, next));
    }
    if (Number(declared) > deps.bodyLimit) return tooLarge(c);
    return readBody(c, next);
  });

  // Reads the body once, as bytes and as text, so the journal can record it and routes parse it in any form.
  const readBody = async (c: Context<SimEnv>, next: Next) => {
    const buffer = await c.req.arrayBuffer();
    const { bodyCache } = c.req as unknown as { bodyCache: BodyCache };
    bodyCache.text ??= Promise.resolve(utf8.decode(buffer));
    return applyFault(c, next);
  };

  const applyFault = async (c: Context<SimEnv>, next: Next): Promise<void> => {
    const provider = c.get('provider');
    if (provider === null) return next();
    const effect = faults.match({ provider, method: c.req.method, path: c.req.path });
    if (!effect) return next();
    c.set('fault', effect.fault.id);
    signals.emit('fault.applied', {
      faultId: effect.fault.id,
      provider,
      method: c.req.method,
      path: c.req.path,
    });
    if (effect.latencyMs)
      await new Promise((resolve) => clock.setTimer(effect.latencyMs!, () => resolve(null)));
    if (effect.drop) {
      c.env?.incoming?.socket.destroy();
      throw new DroppedConnection(`Connection dropped by fault ${effect.fault.id}`);
    }
    if (effect.status !== undefined) {
      c.res = renderCoreError(c, {
        status: effect.status,
        kind: 'fault',
        message: `Injected fault ${effect.fault.id}`,
      });
      return;
    }
    return next();
  };

  // Routes are all mounted before the first request, so the list is built once, on the first miss.
  let known: KnownRoute[] | null = null;
  app.notFound((c) => {
    known ??= app.routes.map((r) => ({
      method: r.method,
      path: r.path,
      provider: providerFor(r.path)?.name ?? null,
    }));
    const explanation = explainUnmatched(
      { method: c.req.method, path: c.req.path },
      known,
      providers.map((p) => ({ name: p.name, title: p.title, basePaths: p.basePaths })),
      c.get('provider'),
    );
    c.set('note', explanation.message);
    const header = explanation.message.replace(/[^\x20-\x7e]/g, '?');
    if (c.get('provider') === null) {
      c.header('x-convosim-unmatched', header);
      return c.json(explanation, 404);
    }
    // Set on the rendered answer itself: a provider's renderer may build its Response without `c`.
    const res = renderCoreError(c, { status: 404, kind: 'not-found', message: explanation.message });
    res.headers.set('x-convosim-unmatched', header);
    return res;
  });

  app.onError((error, c) => {
    if (error instanceof DroppedConnection) throw error;
    // A provider's own refusal (its status and envelope) is an answer, not an internal error.
    if (error instanceof Refusal) return error.toResponse();
    deps.onInternalError(error, c);
    c.set('note', `internal error: ${error.message}`);
    return renderCoreError(c, { status: 500, kind: 'internal', message: 'Internal server error' });
  });

  return app;
}

/** The path and the query (with its '?') of a request URL, which the adapter has already normalized. */
function splitUrl(url: string): { path: string; query: string } {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return { path: '/', query: '' };
  const mark = url.indexOf('?', start);
  return mark === -1
    ? { path: url.slice(start), query: '' }
    : { path: url.slice(start, mark), query: url.slice(mark) };
}

/** The headers of a request as Node parsed them (names in lower case), without building a web Headers. */
function fromIncoming(incoming: IncomingMessage): Record<string, string> {
  const record: Record<string, string> = {};
  const { headers } = incoming;
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) record[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return record;
}

const isTextual = (type: string | null) => type !== null && /json|xml|^text\//i.test(type);
const utf8 = new TextDecoder();
const decode = (buffer: ArrayBuffer) => clip(utf8.decode(buffer));
const clip = (text: string) =>
  text.length > MAX_RECORDED_BODY
    ? `${text.slice(0, MAX_RECORDED_BODY)}…[${text.length - MAX_RECORDED_BODY} more]`
    : text;
