// What one benchmark run measures and for how long: defaults, the --quick preset, and BENCH_* overrides.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type EndpointId, FILL_ENDPOINTS } from './endpoints.ts';

/** Where a simulator under load keeps its state. */
export type StoreKind = 'memory' | 'file';

/** The parts of the benchmark that can be run alone (BENCH_SECTIONS). */
export type Section = 'matrix' | 'signing' | 'scale';

/** Everything a run needs to know; built once from argv and env by `loadConfig`. */
export type BenchConfig = {
  quick: boolean;
  /** Seconds of each write endpoint at the lowest connection count: the run the stall goal reads (20 s). */
  longSeconds: number;
  /** Seconds of every other matrix run (higher connection counts, the read endpoint). */
  shortSeconds: number;
  /** Seconds of each bare-route run (at the start and at the end of the matrix). */
  bareSeconds: number;
  /**
   * Seconds of load on each fresh server (bare route and endpoint alike) before the measured run, not counted:
   * the first seconds of a fresh process run code not yet optimized (ECE start went 2,800 -> 4,700 -> 8,100 2xx
   * in its first three seconds, the bare route reaches its speed within one).
   */
  warmupSeconds: number;
  /** Seconds of each endpoint at each scale step. */
  scaleSeconds: number;
  /**
   * Requests of each endpoint at each scale step (0: run `scaleSeconds` instead). Bounded so that the store stays
   * near its step's size: 4 s of every create at full speed added 60-70% to a 100k store before.
   */
  scaleRequests: number;
  /**
   * Loads of `scaleRequests` each endpoint runs at each scale step; its p99 is the median of theirs. One load's p99
   * is its 10-20 slowest answers, so one pause of the machine (another process, not the simulator) decided it: the
   * failing endpoint at 100k changed from run to run, and alone it could not be reproduced. Steps past size 0 run
   * as many on their empty twin, alternating with these (see bench/scale.ts).
   */
  scaleRepeats: number;
  /** Requests of each endpoint at each scale step before its measured ones, not counted (a warm-up). */
  scaleWarmupRequests: number;
  /**
   * Times the whole matrix is run (BENCH_ROUNDS, default 1). With more than one, each goal reads the median of a
   * row's rounds, and a row stalls when most of its rounds do: on this noisy machine a row near its goal passed in
   * one run and failed in the next (a ratio moved by up to a third between runs of the same code).
   */
  rounds: number;
  connections: number[];
  stores: StoreKind[];
  /** Stored conversations at each step of the scale curve. */
  scaleSizes: number[];
  /** Real seconds the whole pre-fill may take; a step not reached in time is skipped with a note. */
  fillBudgetSeconds: number;
  /** The creates the pre-fill cycles through (BENCH_FILL_ENDPOINTS; default: one per provider). */
  fillEndpoints: EndpointId[];
  /** Seconds to wait after an 8x8 load for the webhooks still queued. */
  drainSeconds: number;
  signSeconds: number;
  /** Seconds to wait for a server to print its URL, and then to answer its first health check. */
  readyTimeoutSeconds: number;
  /** Timeout of one listing request at a scale step. */
  listingTimeoutSeconds: number;
  /** Only endpoints whose id matches (BENCH_ONLY, a regular expression). */
  only: RegExp | null;
  sections: Set<Section>;
  out: string;
};

export const SECTIONS: readonly Section[] = ['matrix', 'signing', 'scale'];

function toNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'.`);
  return n;
}

function toList(env: NodeJS.ProcessEnv, name: string, fallback: number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw.split(',').map((part) => {
    const n = Number(part.trim().replace(/k$/i, '000'));
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`${name} must list non-negative integers, got '${raw}'.`);
    return n;
  });
}

/** Reads --quick, --help and the BENCH_* variables (see USAGE). */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BenchConfig {
  const quick = argv.includes('--quick') || env.BENCH_QUICK === '1';
  const longSeconds = toNumber(env, 'BENCH_SECONDS', quick ? 4 : 20);
  const shortSeconds = toNumber(env, 'BENCH_SHORT_SECONDS', Math.min(longSeconds, quick ? 2 : 8));
  const sections = env.BENCH_SECTIONS
    ? new Set(
        env.BENCH_SECTIONS.split(',').map((s) => {
          const section = s.trim() as Section;
          if (!SECTIONS.includes(section))
            throw new Error(`BENCH_SECTIONS lists '${s}'; known: ${SECTIONS.join(', ')}.`);
          return section;
        }),
      )
    : new Set(SECTIONS);
  const stores = (env.BENCH_STORES ?? 'memory,file').split(',').map((s) => {
    if (s !== 'memory' && s !== 'file') throw new Error(`BENCH_STORES lists '${s}'; known: memory, file.`);
    return s as StoreKind;
  });
  return {
    quick,
    longSeconds,
    shortSeconds,
    bareSeconds: toNumber(env, 'BENCH_BARE_SECONDS', Math.min(shortSeconds, quick ? 2 : 4)),
    warmupSeconds: toNumber(env, 'BENCH_WARMUP_SECONDS', quick ? 1 : 3),
    scaleSeconds: toNumber(env, 'BENCH_SCALE_SECONDS', quick ? 2 : 4),
    scaleRequests: toNumber(env, 'BENCH_SCALE_REQUESTS', quick ? 500 : 1000),
    scaleRepeats: Math.max(1, toNumber(env, 'BENCH_SCALE_REPEATS', quick ? 1 : 3)),
    scaleWarmupRequests: toNumber(env, 'BENCH_SCALE_WARMUP_REQUESTS', quick ? 100 : 500),
    rounds: Math.max(1, toNumber(env, 'BENCH_ROUNDS', 1)),
    connections: toList(env, 'BENCH_CONNECTIONS', [10, 50]),
    stores,
    scaleSizes: toList(env, 'BENCH_SCALE_SIZES', quick ? [0, 1000] : [0, 10_000, 100_000]),
    fillBudgetSeconds: toNumber(env, 'BENCH_FILL_BUDGET_SECONDS', quick ? 45 : 180),
    fillEndpoints: env.BENCH_FILL_ENDPOINTS
      ? env.BENCH_FILL_ENDPOINTS.split(',').map((id) => {
          if (!FILL_ENDPOINTS.includes(id.trim() as EndpointId))
            throw new Error(`BENCH_FILL_ENDPOINTS lists '${id}'; known: ${FILL_ENDPOINTS.join(', ')}.`);
          return id.trim() as EndpointId;
        })
      : [...FILL_ENDPOINTS],
    drainSeconds: toNumber(env, 'BENCH_DRAIN_SECONDS', quick ? 3 : 5),
    signSeconds: toNumber(env, 'BENCH_SIGN_SECONDS', quick ? 2 : 4),
    readyTimeoutSeconds: toNumber(env, 'BENCH_READY_TIMEOUT_SECONDS', 60),
    listingTimeoutSeconds: toNumber(env, 'BENCH_LISTING_TIMEOUT_SECONDS', 10),
    only: env.BENCH_ONLY ? new RegExp(env.BENCH_ONLY) : null,
    sections,
    // A quick run never overwrites the reference figures in bench/results.md.
    out: path.resolve(
      env.BENCH_OUT ?? (quick ? path.join(tmpdir(), 'convosim-bench-quick.md') : 'bench/results.md'),
    ),
  };
}

/** The usage text of `npm run bench -- --help`. */
export const USAGE = `npm run bench [-- --quick]     (or npm run bench:quick)

Loopback only. Writes bench/results.md (or BENCH_OUT). Durations in seconds.
  --quick                        short runs and a small scale curve, for development (npm run bench:quick);
                                 writes <tmpdir>/convosim-bench-quick.md unless BENCH_OUT is set
  BENCH_SECONDS=20               each write endpoint at the lowest connection count (the stall check)
  BENCH_SHORT_SECONDS=8          other matrix runs            BENCH_BARE_SECONDS=4   bare-route runs
  BENCH_WARMUP_SECONDS=3         load before each measured matrix run (bare and endpoints), not counted
  BENCH_SCALE_SECONDS=4          each endpoint at each scale step (when BENCH_SCALE_REQUESTS=0)
  BENCH_SCALE_REQUESTS=1000      requests of each load at each scale step (keeps the store near its size)
  BENCH_SCALE_REPEATS=3          loads per endpoint and step; the p99 compared is the median of theirs
                                 (steps past 0: as many on an empty-store twin, in turns, the goal's reference)
  BENCH_SCALE_WARMUP_REQUESTS=500  requests before those, not counted
  BENCH_SCALE_SIZES=0,10k,100k   stored conversations per step
  BENCH_FILL_BUDGET_SECONDS=180  real time the whole pre-fill may take (steps beyond it are skipped)
  BENCH_FILL_ENDPOINTS=<ids>     creates the pre-fill cycles through (default: ece-start, 8x8-v2-create,
                                 gateway-create, chatwoot-create-conversation, airkit-start)
  BENCH_CONNECTIONS=10,50        BENCH_STORES=memory,file     BENCH_SECTIONS=matrix,signing,scale
  BENCH_ROUNDS=1                 times the matrix runs; with more, the goals read each row's median round
                                 (a row stalls when most of its rounds do)
  BENCH_ONLY=<regexp>            only endpoints whose id matches (ids: ece-start, 8x8-v2-create,
                                 gateway-create, chatwoot-create-conversation, chatwoot-create-message,
                                 airkit-start, 8x8-v2-get)
  BENCH_DRAIN_SECONDS=5          wait for queued 8x8 webhooks after a load
  BENCH_SIGN_SECONDS=4           RS256 signing measurement
  BENCH_READY_TIMEOUT_SECONDS=60 BENCH_LISTING_TIMEOUT_SECONDS=10   BENCH_OUT=bench/results.md
`;

/** An upper estimate of the run's wall time in seconds, printed before it starts. */
export function estimateSeconds(config: BenchConfig, endpoints: { kind: 'write' | 'read' }[]): number {
  const spawn = 2;
  let total = 0;
  if (config.sections.has('matrix')) {
    const lowest = Math.min(...config.connections);
    total += 2 * 2 * config.connections.length * (config.warmupSeconds + config.bareSeconds + spawn);
    for (const endpoint of endpoints)
      for (const _ of config.stores)
        for (const c of config.connections)
          total +=
            config.rounds *
            (3 * spawn +
              3 * config.warmupSeconds +
              2 * config.bareSeconds +
              (endpoint.kind === 'write' && c === lowest ? config.longSeconds : config.shortSeconds) +
              (endpoint.kind === 'write' ? 1 : 0));
    total += config.rounds * config.stores.length * config.connections.length * config.drainSeconds;
  }
  if (config.sections.has('signing')) total += 3 * config.signSeconds;
  if (config.sections.has('scale')) {
    total += config.fillBudgetSeconds;
    // Each endpoint's loads start a new server (a copy of the pre-filled store: about 2 s more per 100k to copy and
    // read), and steps past size 0 an empty twin too, loaded in turns with it: twice the loads and spawns.
    for (const size of config.scaleSizes) {
      const servers = size > 0 ? 2 : 1;
      total +=
        10 +
        endpoints.length * (servers * spawn + size / 50_000) +
        endpoints.length * (servers * config.scaleSeconds * config.scaleRepeats + 1) +
        7 * 2;
    }
  }
  return total;
}
