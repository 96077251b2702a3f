// The endpoint matrix: each endpoint x store x connection count on a fresh server process, and the bare Hono
// baseline it is divided by. Each cell checks its request answers 2xx first, then loads it.
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchConfig, StoreKind } from './config.ts';
import { type Endpoint, setUpEndpoint, toHttpCall } from './endpoints.ts';
import { type LoadRequest, type LoadResult, runLoad, timeRequest } from './load.ts';
import { type Receiver, toSeries } from './receiver.ts';
import { measureDir, startServer, stopServer, toServeArgs } from './server.ts';

/** The bare route at each connection count, for writes (POST) and reads (GET). */
export type BareRuns = { post: Record<number, LoadResult>; get: Record<number, LoadResult> };

/** Webhooks the receiver got during and after one load. */
export type FanOut = {
  /** Deliveries per second while the load ran. */
  series: number[];
  duringLoad: number;
  /** Deliveries from the start of the load to the end of the drain. */
  total: number;
  /** ms after the load until no delivery came for a second (or the drain limit). */
  drainMs: number;
  drained: boolean;
};

/** One matrix cell. */
export type Cell = {
  endpoint: Endpoint;
  store: StoreKind;
  connections: number;
  /** The matrix round (1-based; BENCH_ROUNDS). */
  round: number;
  readyMs?: number;
  load?: LoadResult;
  fanOut?: FanOut;
  storeBytes?: number;
  stop?: { signal: string; ms: number };
  /**
   * The bare route of the same kind and connection count, on a fresh process loaded just before this cell's
   * server started: with `bareAfter`, the ratio's denominator, measured as close in time as the machine's drift
   * allows.
   */
  bare?: LoadResult;
  /** The same bare route on a fresh process loaded just after this cell's server stopped. */
  bareAfter?: LoadResult;
  /** A setup failure, or the first non-2xx answer of the trial request. */
  problem?: string;
  stderr: string[];
};

/** Starts the bare Hono server. */
export function startBare(config: BenchConfig): ReturnType<typeof startServer> {
  return startServer(
    ['--import', 'tsx', path.resolve('bench/bare-server.ts')],
    config.readyTimeoutSeconds * 1000,
  );
}

/**
 * Loads the bare route of an endpoint kind (POST for writes, GET for reads) for `config.bareSeconds`, after
 * `config.warmupSeconds` not counted (as every endpoint run).
 */
export async function loadBare(
  config: BenchConfig,
  bare: Awaited<ReturnType<typeof startServer>>,
  kind: Endpoint['kind'],
  connections: number,
): Promise<LoadResult> {
  const request = kind === 'write' ? BARE_POST : BARE_GET;
  await warmUp(config, bare.url, request, connections);
  return runLoad(bare.url, request, { connections, seconds: config.bareSeconds, pid: bare.pid });
}

/** Loads `request` for `config.warmupSeconds` and forgets the figures. */
async function warmUp(config: BenchConfig, url: string, request: LoadRequest, connections: number) {
  if (config.warmupSeconds > 0) await runLoad(url, request, { connections, seconds: config.warmupSeconds });
}

/** Starts the bare Hono server and loads POST and GET at each connection count. */
export async function measureBare(config: BenchConfig): Promise<BareRuns> {
  const server = await startBare(config);
  const runs: BareRuns = { post: {}, get: {} };
  try {
    for (const connections of config.connections) {
      runs.post[connections] = await loadBare(config, server, 'write', connections);
      runs.get[connections] = await loadBare(config, server, 'read', connections);
    }
  } finally {
    await stopServer(server);
  }
  return runs;
}

const BARE_POST: LoadRequest = {
  method: 'POST',
  path: '/bare',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ text: 'hello' }),
};
const BARE_GET: LoadRequest = { method: 'GET', path: '/bare/conv-1', headers: {} };

/** Waits until the receiver has had no delivery on `key` for a second, at most `limitMs`. */
export async function drain(
  receiver: Receiver,
  key: string,
  limitMs: number,
): Promise<{ ms: number; done: boolean }> {
  const began = performance.now();
  let last = receiver.count(key);
  let quietSince = performance.now();
  while (performance.now() - began < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = receiver.count(key);
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= 1000) {
      return { ms: quietSince - began, done: true };
    }
  }
  return { ms: performance.now() - began, done: false };
}

/** Runs one cell on a fresh server (memory store, or a file store in a temp folder). */
export async function runCell(
  config: BenchConfig,
  receiver: Receiver,
  tmp: string,
  endpoint: Endpoint,
  store: StoreKind,
  connections: number,
  bare?: (kind: Endpoint['kind'], connections: number) => Promise<LoadResult>,
  round = 1,
): Promise<Cell> {
  const cell: Cell = { endpoint, store, connections, round, stderr: [] };
  if (bare) {
    try {
      cell.bare = await bare(endpoint.kind, connections);
    } catch (error) {
      cell.problem = `bare route: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const dir = mkdtempSync(path.join(tmp, `${endpoint.id}-${store}-${connections}-`));
  const storeArg = store === 'memory' ? 'memory' : path.join(dir, 'db.json');
  const lowest = Math.min(...config.connections);
  const seconds =
    endpoint.kind === 'write' && connections === lowest ? config.longSeconds : config.shortSeconds;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(
      toServeArgs(storeArg, ['--option', `ece.callbackUrl=${receiver.url}/ece`]),
      config.readyTimeoutSeconds * 1000,
    );
    cell.readyMs = server.readyMs;
    const request = await setUpEndpoint(endpoint.id, toHttpCall(server.url), receiver.url);
    const trial = await timeRequest(server.url, request, 10_000);
    if (trial.status < 200 || trial.status > 299)
      cell.problem = `trial request answered ${trial.status}: ${trial.text.slice(0, 200)}`;
    if (!endpoint.cold) {
      await warmUp(config, server.url, request, connections);
      // The callbacks of the warm-up (ECE: the agents' few slots fill during it) are not counted in the run's.
      if (endpoint.hookKey) await drain(receiver, endpoint.hookKey, config.drainSeconds * 1000);
    }
    const began = performance.now();
    cell.load = await runLoad(server.url, request, { connections, seconds, pid: server.pid });
    if (endpoint.hookKey) {
      const during = receiver.arrivals(endpoint.hookKey, began);
      const drained = await drain(receiver, endpoint.hookKey, config.drainSeconds * 1000);
      const all = receiver.arrivals(endpoint.hookKey, began);
      cell.fanOut = {
        series: toSeries(during, began, seconds),
        duringLoad: during.length,
        total: all.length,
        drainMs: drained.ms,
        drained: drained.done,
      };
    }
  } catch (error) {
    cell.problem = error instanceof Error ? error.message : String(error);
  } finally {
    if (server) {
      cell.stop = await stopServer(server);
      cell.stderr = [...server.stderr];
    }
    // Measured and deleted at once: the kernel need not write back a store nobody reads again while the next runs
    // (the bare run after this row first) are measured.
    if (store === 'file') cell.storeBytes = measureDir(dir);
    rmSync(dir, { recursive: true, force: true });
  }
  if (bare) {
    try {
      cell.bareAfter = await bare(endpoint.kind, connections);
    } catch (error) {
      cell.problem ??= `bare route after: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return cell;
}
