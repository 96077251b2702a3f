// Pre-fills a store file through the library, in-process: a simulator on a virtual clock with webhooks
// answered at once by a stub sender, many app.request() creates (round-robin over the providers), time
// advanced every few hundred creates so auto-accept and assignment run, then flush. Bounded by a deadline.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSimulator, type Simulator } from '../src/index.ts';
import { type EndpointId, FILL_ENDPOINTS, setUpEndpoint } from './endpoints.ts';
import type { LoadRequest } from './load.ts';

/** Creates between two advances of the virtual clock. */
const BATCH = 500;
/** Failed creates after which the fill gives up (the step is then skipped with the first failure). */
const MAX_FAILURES = 50;

/** A simulator filling one store file, kept open so that a larger step continues where the last stopped. */
export type Filler = {
  /** Conversations created so far. */
  readonly count: number;
  /** Creates until `target` conversations exist or `deadline` (performance.now()) passes. */
  fillTo(target: number, deadline: number): Promise<FillProgress>;
  /** Writes the store now (before copying its files). */
  flush(): Promise<void>;
  close(): Promise<void>;
};

/** Where a fill stopped. */
export type FillProgress = {
  reached: number;
  /** Real ms spent filling so far (all steps). */
  ms: number;
  /** Mean ms per create over the last batch. */
  lastMsPerCreate: number;
  non2xx: number;
  firstFailure: string | null;
};

/** Opens a simulator on `storeFile` and sets up each create of `ids`. */
export async function createFiller(
  storeFile: string,
  hooksUrl: string,
  ids: readonly EndpointId[] = FILL_ENDPOINTS,
): Promise<Filler> {
  const sim: Simulator = await createSimulator({
    store: storeFile,
    clock: 'virtual',
    seed: 1,
    logger: () => {},
    providerOptions: { ece: { callbackUrl: `${hooksUrl}/ece` } },
    send: async () => ({ status: 200, body: 'ok' }),
  });
  const call = async (path: string, init: RequestInit) => sim.app.request(path, init);
  const creates: LoadRequest[] = [];
  for (const id of ids) creates.push(await setUpEndpoint(id, call, hooksUrl));
  let count = 0;
  let attempts = 0;
  let ms = 0;
  let lastMsPerCreate = 0;
  let non2xx = 0;
  let firstFailure: string | null = null;

  return {
    get count() {
      return count;
    },
    async fillTo(target, deadline) {
      while (count < target && performance.now() < deadline && non2xx < MAX_FAILURES) {
        const began = performance.now();
        const batchEnd = Math.min(target, (Math.floor(count / BATCH) + 1) * BATCH);
        const batchStart = count;
        while (count < batchEnd && performance.now() < deadline && non2xx < MAX_FAILURES) {
          const request = creates[attempts % creates.length]!;
          attempts++;
          const res = await sim.app.request(request.path, {
            method: request.method,
            headers: request.headers,
            body: request.body,
          });
          const text = await res.text();
          if (!res.ok) {
            non2xx++;
            firstFailure ??= `${request.method} ${request.path} answered ${res.status}: ${text.slice(0, 200)}`;
          } else {
            count++;
          }
        }
        const elapsed = performance.now() - began;
        lastMsPerCreate = elapsed / Math.max(1, count - batchStart);
        ms += elapsed;
        if (count % BATCH === 0 || count >= target) {
          const before = performance.now();
          await sim.control.advance('3s');
          await sim.control.idle({ timeoutMs: Math.max(1000, deadline - performance.now()) }).catch(() => {});
          ms += performance.now() - before;
        }
      }
      return { reached: count, ms, lastMsPerCreate, non2xx, firstFailure };
    },
    flush: () => sim.store.flush(),
    close: () => sim.close(),
  };
}

/** The result line a fill child process prints last. */
export type FillReport = FillProgress & { target: number };

/**
 * Runs a fill in a child process (`node --import tsx bench/fill-store.ts`), so that a pre-fill that grows
 * past the heap cannot take the benchmark down, and a fill stuck in one long write is killed at its deadline.
 */
export function runFillChild(
  storeFile: string,
  hooksUrl: string,
  ids: readonly EndpointId[],
  target: number,
  budgetMs: number,
): Promise<FillReport | { error: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.resolve('bench/fill-store.ts'),
      storeFile,
      hooksUrl,
      String(target),
      String(Math.ceil(budgetMs)),
      ids.join(','),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  return new Promise((resolve) => {
    // The child stops creating at its deadline, but one advance of the clock (timers of the current code)
    // cannot be cut short: past a grace period for that and for flush and close, it is killed.
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.ceil(budgetMs) + 30_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as FillReport);
      } catch {
        resolve({
          error:
            signal === 'SIGKILL'
              ? 'the fill process overran its budget by 30 s (in one advance of the clock, or in flush) and was killed'
              : `fill process ended (${signal ?? `code ${code}`}): ${stderr.trim().slice(-400)}`,
        });
      }
    });
  });
}
