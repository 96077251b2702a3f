// bench/results.md: the machine and settings, the bare baseline, the endpoint matrix with its per-second series,
// webhook fan-out, the signing bound, the scale curve, and the goals of issue 9 with pass/fail.
import { SECTIONS } from './config.ts';
import { evaluateGoals } from './goals.ts';
import type { LoadResult } from './load.ts';
import type { Cell } from './matrix.ts';
import {
  type BenchResults,
  checkStall,
  fmt,
  label,
  mb,
  ratioOf,
  ratioText,
  ratioToMean,
  steadyDeliveries,
  verdict,
} from './measures.ts';
import type { Measured, ScaleStep } from './scale.ts';

function renderBare(results: BenchResults): string[] {
  const lines = [
    '## Bare Hono baseline',
    '',
    'Measured at the start and at the end of the matrix, each on its own server process. A large drift means the machine was busy; the ratios of the matrix divide by the mean of the bare runs just before and just after each row ("to mean" divides by the mean of these two).',
    '',
    '| route | conn. | start req/s | end req/s | drift | start p99 ms | end p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [kind, route] of [
    ['post', 'POST /bare'],
    ['get', 'GET /bare/:id'],
  ] as const) {
    for (const c of results.config.connections) {
      const a = results.bareStart?.[kind][c];
      const b = results.bareEnd?.[kind][c];
      const drift = a && b ? `${fmt(((b.rps - a.rps) / a.rps) * 100)}%` : 'n/a';
      lines.push(
        `| ${route} | ${c} | ${fmt(a?.rps)} | ${fmt(b?.rps)} | ${drift} | ${fmt(a?.p99, 1)} | ${fmt(b?.p99, 1)} |`,
      );
    }
  }
  return [...lines, ''];
}

function renderMemory(load: LoadResult | undefined): string {
  const m = load?.memory;
  return m ? `${fmt(m.startMb)} → ${fmt(m.endMb)} (${fmt(m.peakMb)})` : 'n/a';
}

/** A cell's round after its name, when the matrix ran more than once. */
function roundOf(results: BenchResults, cell: Cell, prefix = 'round '): string {
  return results.config.rounds > 1 ? ` (${prefix}${cell.round})` : '';
}

function renderMatrix(results: BenchResults): string[] {
  const lines = [
    '## Endpoints against the bare route',
    '',
    `Each row is a fresh \`convosim serve\` process (\`--db memory\` or a new store file, measured and deleted as soon as the process stops), loaded for ${results.config.warmupSeconds} s first (a warm-up, not counted; its conversations stay in the store), as is each bare run; the 8x8 v2 create rows, which send webhooks, are not warmed up (their figures are all the webhooks of the run's creates); ECE's callbacks of the warm-up are drained before its run. req/s counts 2xx answers only, over the full seconds of the run. The ratio divides by the bare route (POST for writes, GET for the read) at the same connection count, loaded for ${results.config.bareSeconds} s on a fresh server process just before the row's own fresh server started ("bare before") and again just after it stopped ("bare after"), and divides by the mean of the two: the machine's speed drifts within a run (see the baseline's drift), so the goals use this ratio (runs before 2026-11-29 divided by the mean of the baseline's start and end runs, "to mean"; session 9's by "bare before" alone). "first → last" are the 2xx of the first and last full second (stall check: last ≥ 70% of first).`,
    '',
    '| endpoint | store | conn. | s | 2xx req/s | bare before | bare after | ratio | to mean | p50 ms | p99 ms | 2xx | non-2xx | errors (timeouts) | RSS MB start → end (peak) | store MB | first → last | stop |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |',
  ];
  for (const cell of results.cells) {
    const l = cell.load;
    const stall = l ? checkStall(l.series) : null;
    lines.push(
      `| ${cell.endpoint.title}${roundOf(results, cell)} | ${cell.store} | ${cell.connections} | ${l?.seconds ?? 'n/a'} | ${fmt(l?.rps, 1)} | ${fmt(cell.bare?.rps)} | ${fmt(cell.bareAfter?.rps)} | ${ratioText(ratioOf(results, cell))} | ${ratioText(ratioToMean(results, cell))} | ${fmt(l?.p50, 1)} | ${fmt(l?.p99, 1)} | ${fmt(l?.okTotal)} | ${fmt(l?.non2xx)} | ${l ? `${l.errors} (${l.timeouts})` : 'n/a'} | ${renderMemory(l)} | ${cell.store === 'file' ? mb(cell.storeBytes) : '-'} | ${stall ? `${stall.first} → ${stall.last}${stall.pass ? '' : ' **stall**'}` : 'n/a'} | ${cell.stop ? `${cell.stop.signal}${cell.stop.signal === 'SIGKILL' ? ' (SIGTERM ignored 5 s)' : ''}` : 'n/a'} |`,
    );
  }
  lines.push('', '### Per-second 2xx series', '', '```');
  for (const cell of results.cells)
    lines.push(
      `${`${cell.endpoint.id} ${cell.store} c${cell.connections}${roundOf(results, cell, 'r')}`.padEnd(42)} ${cell.load ? cell.load.series.join(' ') : cell.problem}`,
    );
  lines.push('```', '');
  return lines;
}

function renderFanOut(results: BenchResults): string[] {
  const cells = results.cells.filter((c) => c.fanOut);
  if (cells.length === 0) return [];
  const lines = [
    '## Webhook fan-out to a loopback receiver',
    '',
    'The receiver (in the benchmark process) answers 200 at once. 8x8 v2: each create sends QUEUED, then AGENT_JOINED after the 2 s auto-accept delay, both signed (RS256); "steady/s" is the mean after the first two seconds. ECE: callbacks come once an agent is assigned (the default fixtures have 4 agent slots on entry point 1001, so at most a few per run; they fill during the warm-up, whose callbacks are drained before the run, so the run itself usually sends none). After the load the benchmark waits until no delivery came for a second (at most BENCH_DRAIN_SECONDS). "per create" divides all deliveries by all 2xx creates (including answers after the last full second).',
    '',
    '| endpoint | store | conn. | 2xx creates | deliveries during load | deliveries/s | steady/s | incl. drain | per create | drain ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const cell of cells) {
    const f = cell.fanOut!;
    const l = cell.load!;
    lines.push(
      `| ${cell.endpoint.title}${roundOf(results, cell)} | ${cell.store} | ${cell.connections} | ${fmt(l.okTotal)} | ${fmt(f.duringLoad)} | ${fmt(f.duringLoad / l.seconds, 1)} | ${fmt(steadyDeliveries(f), 1)} | ${fmt(f.total)} | ${l.okTotal ? fmt(f.total / l.okTotal, 2) : 'n/a'} | ${fmt(f.drainMs)}${f.drained ? '' : ' (still delivering)'} |`,
    );
  }
  lines.push('', 'Deliveries per second during the load:', '', '```');
  for (const cell of cells)
    lines.push(
      `${`${cell.endpoint.id} ${cell.store} c${cell.connections}${roundOf(results, cell, 'r')}`.padEnd(42)} ${cell.fanOut!.series.join(' ')}`,
    );
  lines.push('```', '');
  return lines;
}

function renderSigning(results: BenchResults): string[] {
  const s = results.signing;
  if (!s) return [];
  return [
    '## RS256 signing rate (the 8x8 bound)',
    '',
    `crypto.sign with a callback (libuv thread pool, UV_THREADPOOL_SIZE ${s.threadPool}, ${s.inFlight} in flight), 8x8 fixture key (fixtures/8x8/signing-key.json), measured in the benchmark process with no server running:`,
    '',
    `- parsed key (what the machine can do): **${fmt(s.perSecond)} signatures/s** → bound for 8x8 v2 creates with webhooks (two signatures each): **${fmt(s.perSecond / 2)} creates/s**`,
    `- the provider's \`createSignature\` (src/providers/8x8/events-signing.ts: the key imported once per state, the header and signed payload built per call): ${fmt(s.providerPerSecond)} signatures/s (${fmt((s.providerPerSecond / s.perSecond) * 100)}% of the parsed-key rate)`,
    `- one signature in flight (one core): ${fmt(s.oneThreadPerSecond)} signatures/s. The goal (70% of the bound, ${fmt(0.7 * s.perSecond)} signatures/s) needs ${((0.7 * s.perSecond) / s.oneThreadPerSecond).toFixed(2)} of this machine's ${s.cores} cores for signing alone, beside the server, its two webhook sends per create, the receiver and the load generator`,
    '',
  ];
}

/** An endpoint's scale figures on one server: the median p99 (every load's in brackets), its load's req/s and failures. */
function renderMeasured(measured: Measured | undefined): string {
  if (!measured?.load) return measured?.problem ? 'failed' : 'n/a';
  const { load, p99s } = measured;
  const all = p99s && p99s.length > 1 ? ` (${p99s.map((p) => fmt(p, 1)).join(', ')})` : '';
  return `${fmt(load.p99, 1)}${all} / ${fmt(load.rps, 1)} / ${load.non2xx + load.errors}`;
}

function renderScale(results: BenchResults): string[] {
  if (results.scale.length === 0) return [];
  const sizes = results.scale;
  const head = sizes.map((s) => fmt(s.size)).join(' | ');
  const sep = sizes.map(() => '---:').join(' | ');
  const row = (name: string, f: (s: ScaleStep) => string) =>
    `| ${name} | ${sizes.map((s) => (s.skipped ? 'skipped' : f(s))).join(' | ')} |`;
  const lines = [
    '## Scale curve',
    '',
    `Stores pre-filled through the library (\`createSimulator\` with \`store: <file>\`, virtual clock, webhooks answered by a stub, creates round-robin over ${results.config.fillEndpoints.join(', ')}, the clock advanced 3 s every 500 creates so that auto-accept and assignment run), then \`convosim serve\` started on a copy. Pre-fill budget ${results.config.fillBudgetSeconds} s in all. Each endpoint then ran ${results.config.scaleRepeats} loads of ${results.config.scaleRequests ? `${fmt(results.config.scaleRequests)} requests (so that the store stays within about ${fmt((results.config.scaleRequests * results.config.scaleRepeats + results.config.scaleWarmupRequests) * 6)} conversations of its step's size)` : `${results.config.scaleSeconds} s`} at ${Math.min(...results.config.connections)} connections, after ${fmt(results.config.scaleWarmupRequests)} requests not counted, and the webhooks an endpoint causes (8x8 v2, ECE) were waited for before the next one; the peak RSS is the highest high-water mark of the step's servers (not its twins) over their start, the listings and these loads. An endpoint's p99 (and the goal's) is the median of its loads' p99s, shown in brackets; its req/s are those of that load. One load's p99 is its 10 slowest answers, so a single pause of this shared machine decided it (before 2026-11-29: one load of 2,000 requests, which failed the goal on a different endpoint in each run and could not be reproduced alone).`,
    '',
    "Each step past size 0 also starts an *empty twin*: a second server on an empty file store, set up and warmed up the same way, whose loads alternate with the step server's (step, twin, step, twin...); the p99 goal divides the largest step's p99 by its own twin's, and by the size-0 step's only when the twin was not measured. The machine's speed drifts over minutes, so the size-0 step, measured minutes earlier, decided the verdict more than the store size did (runs up to 2026-11-29 divided by the size-0 step: Airkit once read 3.9 ms at 0 vs 6.2 ms at 100k, where repeated pairs showed no growth); each endpoint's loads start a new server on a copy of the step's store and a new twin on an empty one, so that both are empty of other endpoints' work and have compiled the same code (a server kept across endpoints had compiled what a new twin had not: 8x8 v2 GET 4.9 ms at 100k against 6.7 ms on its twin); the twin's memory is not in the step's RSS. Servers started and their stops count the twins.",
    '',
    `| stored conversations | ${head} |`,
    `| --- | ${sep} |`,
    row('pre-fill time s (ms per create at the end)', (s) =>
      s.fill ? `${fmt(s.fill.ms / 1000, 1)} (${fmt(s.fill.lastMsPerCreate, 2)})` : '-',
    ),
    row(
      "store on disk MB, pre-filled → after the last endpoint's loads (each endpoint loads its own copy)",
      (s) => `${mb(s.storeBytes)} → ${mb(s.storeBytesAfter)}`,
    ),
    row('spawn to listening ms', (s) => fmt(s.readyMs)),
    row('spawn to first health 200 ms', (s) => (s.healthMs === null ? 'never' : fmt(s.healthMs))),
    row('RSS idle after start MB', (s) => fmt(s.idleRssMb)),
    row('RSS peak MB', (s) => fmt(s.peakRssMb)),
    row('snapshot (compaction) ms / longest event-loop delay ms meanwhile', (s) =>
      s.snapshot ? `${fmt(s.snapshot.snapshotMs)} / ${fmt(s.snapshot.maxLoopDelayMs, 1)}` : 'n/a',
    ),
    row('POST /__admin/reset ms', (s) =>
      s.reset ? `${fmt(s.reset.ms)}${s.reset.status === 200 ? '' : ` (${s.reset.status})`}` : 'n/a',
    ),
    row(
      'servers started, twins included (restarts after no health) / stopped by',
      (s) => `${s.stops.length} (${s.restarts.length}) / ${[...new Set(s.stops)].join(', ') || 'n/a'}`,
    ),
  ];
  for (const endpoint of results.endpoints) {
    const entryOf = (s: ScaleStep) => s.loads.find((l) => l.endpoint.id === endpoint.id);
    lines.push(
      row(`${endpoint.title}: p99 ms / 2xx req/s / non-2xx`, (s) => renderMeasured(entryOf(s))),
      row(`${endpoint.title}, empty twin (loads in turns): p99 ms / 2xx req/s / non-2xx`, (s) =>
        s.size === 0 ? '-' : renderMeasured(entryOf(s)?.twin),
      ),
    );
  }
  for (const title of new Set(sizes.flatMap((s) => s.listings.map((l) => l.title)))) {
    lines.push(
      row(`${title}: ms (KB)`, (s) => {
        const l = s.listings.find((x) => x.title === title);
        if (!l) return 'n/a';
        return l.status === 0
          ? `timeout ${fmt(l.ms)}`
          : `${fmt(l.ms)} (${fmt(l.bytes / 1024)})${l.status === 200 ? '' : ` ${l.status}`}`;
      }),
    );
  }
  lines.push('');
  for (const s of sizes) if (s.skipped) lines.push(`- ${fmt(s.size)}: skipped: ${s.skipped}`);
  for (const s of sizes) for (const r of s.restarts) lines.push(`- ${fmt(s.size)}: ${r}`);
  for (const s of sizes)
    for (const l of s.loads)
      for (const problem of [l.problem, l.twin?.problem])
        if (problem) lines.push(`- ${fmt(s.size)}, ${l.endpoint.title}: ${problem}`);
  lines.push('');
  return lines;
}

function renderProblems(results: BenchResults): string[] {
  const lines: string[] = [];
  for (const cell of results.cells) {
    if (cell.problem) lines.push(`- ${label(cell)}: ${cell.problem}`);
    const statuses = Object.entries(cell.load?.statuses ?? {});
    if (statuses.length > 0)
      lines.push(`- ${label(cell)}: non-2xx answers ${statuses.map(([s, n]) => `${n}× ${s}`).join(', ')}`);
    if (cell.stderr.length > 0)
      lines.push(`- ${label(cell)}: server stderr: ${cell.stderr.slice(-3).join(' | ')}`);
  }
  for (const step of results.scale)
    for (const { endpoint, load, twin } of step.loads)
      for (const [side, l] of [
        ['', load],
        [' (empty twin)', twin?.load],
      ] as const) {
        const statuses = Object.entries(l?.statuses ?? {});
        if (statuses.length > 0 || (l?.errors ?? 0) > 0)
          lines.push(
            `- scale ${fmt(step.size)}, ${endpoint.title}${side}: non-2xx answers ${statuses.map(([st, n]) => `${n}× ${st}`).join(', ') || 'none'}, errors ${l?.errors ?? 0} (timeouts ${l?.timeouts ?? 0})`,
          );
      }
  for (const step of results.scale)
    if (step.stderr.length > 0)
      lines.push(`- scale ${fmt(step.size)}: server stderr: ${step.stderr.slice(-3).join(' | ')}`);
  return lines.length === 0 ? [] : ['## Problems seen', '', ...lines, ''];
}

/** The command that runs the same parts of the benchmark (a subset run names its BENCH_* choices). */
export function reproduceCommand(c: BenchResults['config']): string {
  const env = [
    c.rounds > 1 ? `BENCH_ROUNDS=${c.rounds}` : '',
    c.sections.size < SECTIONS.length ? `BENCH_SECTIONS=${[...c.sections].join(',')}` : '',
    c.stores.length < 2 ? `BENCH_STORES=${c.stores.join(',')}` : '',
    c.only ? `BENCH_ONLY='${c.only.source}'` : '',
  ].filter(Boolean);
  return [...env, c.quick ? 'npm run bench:quick' : 'npm run bench'].join(' ');
}

/** The whole results.md. */
export function renderReport(results: BenchResults): string {
  const c = results.config;
  const m = results.machine;
  const noisy =
    m.loadStart[0]! > m.cores * 0.5
      ? `**Noisy machine:** load average ${m.loadStart.map((n) => n.toFixed(2)).join(' ')} at the start on ${m.cores} cores; read ratios, not absolute figures.`
      : '';
  return [
    '# Benchmark results',
    '',
    `Run ${results.startedAt.toISOString()}${c.quick ? ' (**--quick**: short runs, development only)' : ''}, ${fmt(results.totalSeconds)} s in all, on ${m.cores} cores (${m.cpu}), Node ${m.node}; load average ${m.loadStart.map((n) => n.toFixed(2)).join(' ')} at the start, ${m.loadEnd.map((n) => n.toFixed(2)).join(' ')} at the end. Loopback only; load from autocannon in the benchmark process.`,
    `Settings: writes ${c.longSeconds} s at ${Math.min(...c.connections)} connections, other runs ${c.shortSeconds} s, bare ${c.bareSeconds} s, each after a ${c.warmupSeconds} s warm-up not counted, scale steps ${c.scaleRepeats} × ${c.scaleRequests ? `${fmt(c.scaleRequests)} requests` : `${c.scaleSeconds} s`} per endpoint after ${fmt(c.scaleWarmupRequests)} not counted; connections ${c.connections.join(', ')}; ${c.rounds > 1 ? `${c.rounds} rounds of the matrix (goals read each row's median round); ` : ''}stores ${c.stores.join(', ')}; scale sizes ${c.scaleSizes.map((s) => fmt(s)).join(', ')}. Reproduce with \`${reproduceCommand(c)}\` (see \`npm run bench -- --help\`).`,
    ...(noisy ? ['', noisy] : []),
    '',
    '## Goals of issue 9',
    '',
    '| goal | measured | verdict |',
    '| --- | --- | --- |',
    ...evaluateGoals(results).map((g) => `| ${g.goal} | ${g.measured} | ${verdict(g.pass)} |`),
    '',
    ...renderBare(results),
    ...renderMatrix(results),
    ...renderFanOut(results),
    ...renderSigning(results),
    ...renderScale(results),
    ...renderProblems(results),
  ].join('\n');
}
