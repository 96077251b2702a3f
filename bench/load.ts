// One load run with autocannon: 2xx counted per second of wall time (so a stall shows), non-2xx and errors
// counted apart, latency percentiles, and the server's memory sampled each second.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { readMemory } from './server.ts';

/** A request the load repeats. */
export type LoadRequest = {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: string;
};

/** What one run measured. */
export type LoadResult = {
  seconds: number;
  connections: number;
  /** 2xx answers per second over the full seconds of the run. */
  rps: number;
  /**
   * Latency percentiles in ms, exact (nearest rank) over every answer's own duration: autocannon's histogram
   * keeps whole milliseconds, so a p99 of 4-6 ms moved 20-25% with one stray millisecond.
   */
  p50: number;
  p99: number;
  max: number;
  /** 2xx answers in the full seconds of the run. */
  ok: number;
  /** 2xx answers in all, including those that came after the last full second. */
  okTotal: number;
  non2xx: number;
  /** Status counts other than 2xx, e.g. { '500': 3 }. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** 2xx answers in each full second, in order. */
  series: number[];
  /** Server memory at the start and end of the run and its peak so far (MB), when readable. */
  memory: { startMb: number; endMb: number; peakMb: number } | null;
};

/** Runs `request` against `url` for `seconds` with `connections` connections. */
export function runLoad(
  url: string,
  request: LoadRequest,
  options: {
    connections: number;
    seconds: number;
    pid?: number;
    timeoutSeconds?: number;
    /** Stop after this many requests instead of after `seconds` (series and rps are then not meaningful). */
    amount?: number;
  },
): Promise<LoadResult> {
  const buckets: number[] = [];
  const durations: number[] = [];
  const statuses: Record<string, number> = {};
  const memoryAtStart = options.pid === undefined ? null : readMemory(options.pid);
  let memoryPeak = memoryAtStart?.peakMb ?? 0;
  const began = performance.now();
  let lastAnswer = began;
  const sampler = setInterval(() => {
    if (options.pid === undefined) return;
    const memory = readMemory(options.pid);
    if (memory) memoryPeak = Math.max(memoryPeak, memory.peakMb, memory.rssMb);
  }, 1000);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: url + request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        connections: options.connections,
        duration: options.seconds,
        ...(options.amount ? { amount: options.amount } : {}),
        timeout: options.timeoutSeconds ?? 10,
      },
      (error, result) => {
        clearInterval(sampler);
        if (error) {
          reject(error);
          return;
        }
        // A run bounded by a request count lasts until its last answer (autocannon reports its end on the next
        // whole-second tick: 1,000 answers in 1.1 s counted as 500/s before), and its series covers those seconds.
        const elapsed = ((options.amount ? lastAnswer : performance.now()) - began) / 1000;
        const full = Math.max(1, Math.floor(options.amount ? elapsed : options.seconds));
        const series = Array.from({ length: full }, (_, i) => buckets[i] ?? 0);
        const okTotal = buckets.reduce((sum, n) => sum + (n ?? 0), 0);
        const memoryAtEnd = options.pid === undefined ? null : readMemory(options.pid);
        resolve({
          seconds: options.seconds,
          connections: options.connections,
          rps: options.amount
            ? okTotal / Math.max(elapsed, 0.001)
            : series.reduce((sum, n) => sum + n, 0) / full,
          ...toPercentiles(durations, result.latency),
          ok: series.reduce((sum, n) => sum + n, 0),
          okTotal,
          non2xx: Object.values(statuses).reduce((sum, n) => sum + n, 0),
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
          series,
          memory:
            memoryAtStart && memoryAtEnd
              ? {
                  startMb: memoryAtStart.rssMb,
                  endMb: memoryAtEnd.rssMb,
                  peakMb: Math.max(memoryPeak, memoryAtEnd.peakMb),
                }
              : null,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      durations.push(ms);
      lastAnswer = performance.now();
      if (statusCode >= 200 && statusCode < 300) {
        const second = Math.floor((performance.now() - began) / 1000);
        buckets[second] = (buckets[second] ?? 0) + 1;
      } else {
        statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      }
    });
  });
}

/**
 * p50, p99 and max of `durations` (ms) by nearest rank; autocannon's whole-millisecond figures when there are
 * none (every request failed before an answer).
 */
export function toPercentiles(
  durations: number[],
  fallback: { p50: number; p99: number; max: number },
): { p50: number; p99: number; max: number } {
  if (durations.length === 0) return { p50: fallback.p50, p99: fallback.p99, max: fallback.max };
  const sorted = Float64Array.from(durations).sort();
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1]! };
}

/** One request, timed: status, ms and answer size; a timeout or socket error gives status 0. */
export async function timeRequest(
  url: string,
  request: LoadRequest,
  timeoutMs: number,
): Promise<{ status: number; ms: number; bytes: number; text: string }> {
  const began = performance.now();
  try {
    const res = await fetch(url + request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs))),
    });
    const text = await res.text();
    return { status: res.status, ms: performance.now() - began, bytes: Buffer.byteLength(text), text };
  } catch (error) {
    return {
      status: 0,
      ms: performance.now() - began,
      bytes: 0,
      text: error instanceof Error ? error.message : String(error),
    };
  }
}

/** The load with the median p99 (the higher of the two middle ones for an even count). */
export function medianByP99(loads: readonly LoadResult[]): LoadResult {
  return [...loads].sort((a, b) => a.p99 - b.p99)[loads.length >>> 1]!;
}
