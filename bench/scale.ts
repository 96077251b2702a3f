// The scale curve: a store pre-filled to each size (through the library, in a child process, within a time
// budget), then a server started on a copy of it: time to ready, RSS, store size, p99 of every endpoint,
// listing times, and the time of POST /__admin/reset.

import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchConfig } from './config.ts';
import { type Endpoint, LISTINGS, setUpEndpoint, toHttpCall } from './endpoints.ts';
import { type LoadRequest, type LoadResult, medianByP99, runLoad, timeRequest } from './load.ts';
import { drain } from './matrix.ts';
import { runFillChild } from './prefill.ts';
import type { Receiver } from './receiver.ts';
import {
  measureDir,
  readMemory,
  type Server,
  startServer,
  stopServer,
  toServeArgs,
  waitForHealth,
} from './server.ts';
import { measureSnapshotPause, type SnapshotPause } from './snapshot-pause.ts';

/** One timed listing. */
export type Listing = { title: string; status: number; ms: number; bytes: number };

/** An endpoint's loads on one server: the load with the median p99 and every load's p99, or why not. */
export type Measured = { load?: LoadResult; p99s?: number[]; problem?: string };

/** One step of the scale curve. */
export type ScaleStep = {
  size: number;
  /** Why the step was not measured (pre-fill over budget, server not ready...). */
  skipped?: string;
  fill?: { ms: number; lastMsPerCreate: number; non2xx: number };
  storeBytes?: number;
  /** The store of the last endpoint's server after its loads (each endpoint loads its own copy of the pre-filled one). */
  storeBytesAfter?: number;
  readyMs?: number;
  healthMs?: number | null;
  idleRssMb?: number;
  peakRssMb?: number;
  /**
   * `load`: of an endpoint's repeated loads, the one with the median p99; `p99s`: every load's, in order. `twin`:
   * the same of the step's empty twin (steps past size 0), whose loads alternated with these.
   */
  loads: (Measured & { endpoint: Endpoint; twin?: Measured })[];
  listings: Listing[];
  reset?: { status: number; ms: number };
  /** One background snapshot of the pre-filled store, and the longest the event loop waited meanwhile. */
  snapshot?: SnapshotPause;
  /** How each server of the step stopped (SIGKILL: SIGTERM was not honoured within 5 s). */
  stops: string[];
  /** Why a server was replaced by a fresh one on a copy of the same store. */
  restarts: string[];
  stderr: string[];
};

/** Fills and measures each size in order; a size the fill cannot reach within the budget is skipped. */
export async function runScale(
  config: BenchConfig,
  receiver: Receiver,
  tmp: string,
  endpoints: readonly Endpoint[],
  log: (line: string) => void,
): Promise<ScaleStep[]> {
  const fillDir = path.join(tmp, 'fill');
  mkdirSync(fillDir, { recursive: true });
  const fillFile = path.join(fillDir, 'db.json');
  const budgetMs = config.fillBudgetSeconds * 1000;
  let filled = 0;
  let fillMs = 0;
  let fillBroken: string | null = null;
  const steps: ScaleStep[] = [];
  for (const size of [...config.scaleSizes].sort((a, b) => a - b)) {
    const step: ScaleStep = { size, loads: [], listings: [], stops: [], restarts: [], stderr: [] };
    steps.push(step);
    const stepDir = path.join(tmp, `scale-${size}`);
    mkdirSync(path.join(stepDir, 'pristine'), { recursive: true });
    if (size > 0) {
      if (fillBroken) {
        step.skipped = fillBroken;
        continue;
      }
      // The budget counts fill time only (the child's whole life), not the measurements between steps.
      const left = budgetMs - fillMs;
      if (filled < size && left > 0) {
        log(`  pre-fill ${filled} -> ${size} (budget left ${(left / 1000).toFixed(0)} s)`);
        const fillBegan = performance.now();
        const report = await runFillChild(fillFile, receiver.url, config.fillEndpoints, size - filled, left);
        fillMs += performance.now() - fillBegan;
        if ('error' in report) {
          fillBroken = `pre-fill failed at about ${filled} conversations: ${report.error}`;
          step.skipped = fillBroken;
          continue;
        }
        filled += report.reached;
        step.fill = { ms: fillMs, lastMsPerCreate: report.lastMsPerCreate, non2xx: report.non2xx };
        if (report.firstFailure) fillBroken = `pre-fill creates failed: ${report.firstFailure}`;
      }
      if (filled < size) {
        step.skipped =
          `pre-fill reached ${filled} of ${size} conversations within the ${config.fillBudgetSeconds} s budget` +
          (step.fill ? ` (${step.fill.lastMsPerCreate.toFixed(1)} ms per create at the end)` : '');
        fillBroken ??= step.skipped;
        continue;
      }
      cpSync(fillDir, path.join(stepDir, 'pristine'), { recursive: true });
    }
    await measureStep(config, receiver, step, stepDir, endpoints);
    if (size > 0) step.snapshot = await measureSnapshotPause(path.join(stepDir, 'pristine', 'db.json'));
    log(
      `  scale ${size}: ready ${step.readyMs?.toFixed(0)} ms, health ${step.healthMs?.toFixed(0) ?? 'none'} ms, peak RSS ${step.peakRssMb?.toFixed(0)} MB`,
    );
  }
  return steps;
}

/** Fresh servers a step may start after its first (each may wait the ready timeout), to bound its time. */
const MAX_RESTARTS = 2;

/** Runs the scale loads with the write endpoint that can stall the server (ECE) last. */
function toRunOrder(endpoints: readonly Endpoint[]): Endpoint[] {
  return [...endpoints.filter((e) => e.id !== 'ece-start'), ...endpoints.filter((e) => e.id === 'ece-start')];
}

/** An error's message, for the report. */
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs `work` for the twin; a failure becomes its problem, and the step's own figures stay. */
async function onTwin<T>(twin: Measured, work: () => Promise<T>): Promise<T | undefined> {
  if (twin.problem) return undefined;
  try {
    return await work();
  } catch (error) {
    twin.problem = `twin: ${message(error)}`;
    return undefined;
  }
}

async function measureStep(
  config: BenchConfig,
  receiver: Receiver,
  step: ScaleStep,
  dir: string,
  endpoints: readonly Endpoint[],
): Promise<void> {
  const pristine = path.join(dir, 'pristine');
  step.storeBytes = measureDir(pristine);
  const timeoutMs = config.listingTimeoutSeconds * 1000;
  const readyTimeoutMs = config.readyTimeoutSeconds * 1000;
  const serveExtra = ['--option', `ece.callbackUrl=${receiver.url}/ece`];
  let runs = 0;
  let runDir = pristine;
  let server: Server | null = null;
  let peak = 0;

  const close = async (s: Server) => {
    peak = Math.max(peak, readMemory(s.pid)?.peakMb ?? 0);
    step.stops.push((await stopServer(s)).signal);
    step.stderr.push(...s.stderr);
  };
  // A server on a fresh copy of the pre-filled store; the first one gives the restart figures.
  const open = async (): Promise<Server | null> => {
    runs++;
    runDir = path.join(dir, `run-${runs}`);
    cpSync(pristine, runDir, { recursive: true });
    let s: Server;
    try {
      s = await startServer(toServeArgs(path.join(runDir, 'db.json'), serveExtra), readyTimeoutMs);
    } catch (error) {
      step.restarts.push(`server did not start: ${message(error)}`);
      return null;
    }
    const began = performance.now() - s.readyMs;
    const health = await waitForHealth(s.url, readyTimeoutMs);
    if (runs === 1) {
      step.readyMs = s.readyMs;
      step.healthMs = health === null ? null : performance.now() - began;
      step.idleRssMb = readMemory(s.pid)?.rssMb;
    }
    if (health === null) {
      step.restarts.push(`no health answer within ${config.readyTimeoutSeconds} s of start`);
      await close(s);
      return null;
    }
    return s;
  };
  // Servers replaced because they did not start or stopped answering; past MAX_RESTARTS none is started.
  let failures = 0;
  const replace = async (): Promise<Server | null> => {
    server = failures > MAX_RESTARTS ? null : await open();
    if (!server) failures++;
    return server;
  };
  // The current server if it still answers health within the timeout, else a fresh one.
  const healthy = async (after: string): Promise<Server | null> => {
    if (server && (await waitForHealth(server.url, timeoutMs)) !== null) return server;
    if (server) {
      step.restarts.push(
        `no health answer within ${config.listingTimeoutSeconds} s after ${after}; restarted`,
      );
      failures++;
      await close(server);
    }
    return replace();
  };
  // A new server for an endpoint's loads: it and its twin start alike, a new process set up and warmed up for that
  // endpoint alone. On one server kept across endpoints, the twin (fresh each time) timed code the step's server
  // had compiled for earlier endpoints: its p99 read higher (8x8 v2 GET 6.7 ms against 4.9 ms at 100k).
  const fresh = async (): Promise<Server | null> => {
    if (server) await close(server);
    return replace();
  };

  // The empty twin (steps past size 0): a server on an empty store beside the step's, loaded in turns with it, the
  // p99 goal's reference. The size-0 step, measured minutes earlier, drifted with the machine more than the store
  // size moved the p99 (Airkit 3.9 ms at 0 vs 6.2 ms at 100k, where repeated pairs showed no growth). A fresh one per
  // endpoint, so that it is empty (one per step held the conversations of the step's earlier endpoints, about 20k
  // by ECE's loads). Its memory is not the step's: `closeTwin` leaves the peak RSS alone.
  let twinRuns = 0;
  const closeTwin = async (t: Server) => {
    step.stops.push((await stopServer(t)).signal);
    step.stderr.push(...t.stderr.map((line) => `twin: ${line}`));
  };
  // A twin on a fresh empty store file, in its own folder; throws when it does not start or answer health.
  const openTwin = async (): Promise<Server> => {
    twinRuns++;
    const twinDir = path.join(dir, `twin-${twinRuns}`);
    mkdirSync(twinDir, { recursive: true });
    const t = await startServer(toServeArgs(path.join(twinDir, 'db.json'), serveExtra), readyTimeoutMs);
    if ((await waitForHealth(t.url, readyTimeoutMs)) !== null) return t;
    await closeTwin(t);
    throw new Error(`no health answer within ${config.readyTimeoutSeconds} s of start`);
  };

  const connections = Math.min(...config.connections);
  // An endpoint set up on a server, then a warm-up, so that both ends of the curve compare code at speed, not a
  // fresh process's first requests (each endpoint's loads start fresh servers).
  const prepare = async (s: Server, endpoint: Endpoint): Promise<LoadRequest> => {
    const request = await setUpEndpoint(endpoint.id, toHttpCall(s.url, timeoutMs), receiver.url);
    if (config.scaleWarmupRequests > 0)
      await runLoad(s.url, request, {
        connections,
        seconds: config.scaleSeconds,
        amount: config.scaleWarmupRequests,
      });
    return request;
  };
  // One measured load.
  const measure = (s: Server, request: LoadRequest) =>
    runLoad(s.url, request, {
      connections,
      seconds: config.scaleSeconds,
      amount: config.scaleRequests || undefined,
      pid: s.pid,
    });

  try {
    let previous = 'start';
    // Listings first, on exactly the pre-filled store; then the loads, ECE last; then reset.
    for (const listing of LISTINGS) {
      const s = await healthy(previous);
      previous = listing.title;
      if (!s) break;
      const timed = await timeRequest(s.url, listing.request, timeoutMs);
      step.listings.push({ title: listing.title, status: timed.status, ms: timed.ms, bytes: timed.bytes });
    }
    for (const endpoint of toRunOrder(endpoints)) {
      const s = await fresh();
      if (!s) {
        step.loads.push({ endpoint, problem: 'skipped: no server answering' });
        continue;
      }
      const twinFigures: Measured | undefined = step.size > 0 ? {} : undefined;
      const t = twinFigures ? await onTwin(twinFigures, openTwin) : undefined;
      try {
        const request = await prepare(s, endpoint);
        const twinRequest =
          t && twinFigures ? await onTwin(twinFigures, () => prepare(t, endpoint)) : undefined;
        const repeats: LoadResult[] = [];
        const twinRepeats: LoadResult[] = [];
        for (let i = 0; i < config.scaleRepeats; i++) {
          repeats.push(await measure(s, request));
          // In turns with the step's loads: both sides see the same minutes of the machine.
          const load =
            t && twinFigures && twinRequest
              ? await onTwin(twinFigures, () => measure(t, twinRequest))
              : undefined;
          if (load) twinRepeats.push(load);
        }
        if (twinFigures && !twinFigures.problem && twinRepeats.length > 0) {
          twinFigures.load = medianByP99(twinRepeats);
          twinFigures.p99s = twinRepeats.map((r) => r.p99);
        }
        step.loads.push({
          endpoint,
          load: medianByP99(repeats),
          p99s: repeats.map((r) => r.p99),
          twin: twinFigures,
        });
        // Its webhooks are sent after it (8x8: AGENT_JOINED 2 s after each create, signed): the next endpoint's
        // load must not time them (Gateway's p99 went from 8 ms at the empty store to 19-21 ms behind them). The
        // twin's go to the same receiver path (/8x8, /ece), so one drain waits for both servers'.
        if (endpoint.hookKey) await drain(receiver, endpoint.hookKey, config.drainSeconds * 1000);
      } catch (error) {
        step.loads.push({ endpoint, problem: message(error), twin: twinFigures });
      } finally {
        if (t) await closeTwin(t);
      }
    }
    // Reset on a fresh server on the pre-filled store: after the loads (ECE's above all) the current one may
    // still be busy with timers, which would time the backlog instead of the reset.
    step.storeBytesAfter = measureDir(runDir);
    if (server) await close(server);
    server = await open();
    const s = server;
    if (s) {
      const reset = await timeRequest(
        s.url,
        { method: 'POST', path: '/__admin/reset', headers: {} },
        timeoutMs * 6,
      );
      step.reset = { status: reset.status, ms: reset.ms };
    }
  } finally {
    if (server) await close(server);
  }
  step.peakRssMb = peak || undefined;
}
