// bench/results.md: the machine and settings, the bare baseline, the endpoint matrix with its per-second series,
// webhook fan-out, the signing bound, the scale curve, and the goals of issue 9 with pass/fail.
import type { BenchConfig } from './config.ts';
import { type Endpoint, LISTINGS } from './endpoints.ts';
import type { LoadResult } from './load.ts';
import type { BareRuns, Cell, FanOut } from './matrix.ts';
import type { ScaleStep } from './scale.ts';
import type { SigningRate } from './signing.ts';

/** Everything one run measured. */
export type BenchResults = {
  config: BenchConfig;
  startedAt: Date;
  totalSeconds: number;
  machine: { cores: number; cpu: string; node: string; loadStart: number[]; loadEnd: number[] };
  bareStart?: BareRuns;
  bareEnd?: BareRuns;
  cells: Cell[];
  signing?: SigningRate;
  scale: ScaleStep[];
  endpoints: readonly Endpoint[];
};

const fmt = (n: number | undefined | null, digits = 0) =>
  n === undefined || n === null || !Number.isFinite(n)
    ? 'n/a'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratioText = (n: number | null) => (n === null ? 'n/a' : n < 0.1 ? n.toPrecision(2) : n.toFixed(2));
const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : fmt(bytes / 1024 / 1024, 1));
const verdict = (pass: boolean | null) => (pass === null ? 'not measured' : pass ? '**pass**' : '**FAIL**');

/** Mean 2xx req/s of the bare route at the start and the end, for an endpoint kind and connection count. */
export function bareRps(results: BenchResults, kind: 'write' | 'read', connections: number): number | null {
  const pick = (runs?: BareRuns) => (kind === 'write' ? runs?.post : runs?.get)?.[connections]?.rps;
  const values = [pick(results.bareStart), pick(results.bareEnd)].filter((v): v is number => v !== undefined);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function ratioOf(results: BenchResults, cell: Cell): number | null {
  const bare = bareRps(results, cell.endpoint.kind, cell.connections);
  return bare && cell.load ? cell.load.rps / bare : null;
}

/** First and last full second of a series, and whether the last is at least 70% of the first. */
export function checkStall(series: readonly number[]): { first: number; last: number; pass: boolean } | null {
  if (series.length < 2) return null;
  const first = series[0]!;
  const last = series.at(-1)!;
  return { first, last, pass: first > 0 && last >= 0.7 * first };
}

/**
 * Deliveries per second once both events of a create flow: the mean of the series after its first two
 * seconds (AGENT_JOINED follows QUEUED by the 2 s auto-accept delay).
 */
export function steadyDeliveries(fanOut: FanOut): number {
  const steady = fanOut.series.length > 3 ? fanOut.series.slice(2) : fanOut.series;
  return steady.reduce((a, b) => a + b, 0) / Math.max(1, steady.length);
}

/** Creates per second that the webhooks kept up with: min(2xx creates/s, steady deliveries/s / 2). */
export function sustainedCreates(cell: Cell): number | null {
  if (!cell.load || !cell.fanOut) return null;
  return Math.min(cell.load.rps, steadyDeliveries(cell.fanOut) / 2);
}

const label = (cell: Cell) => `${cell.endpoint.title} (${cell.store}, ${cell.connections} conn.)`;

function renderBare(results: BenchResults): string[] {
  const lines = [
    '## Bare Hono baseline',
    '',
    'Measured at the start and at the end of the matrix; ratios divide by the mean of both. A large drift means the machine was busy.',
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
        `| ${route} | ${c} | ${fmt(a?.rps)} | ${fmt(b?.rps)} | ${drift} | ${fmt(a?.p99)} | ${fmt(b?.p99)} |`,
      );
    }
  }
  return [...lines, ''];
}

function renderMemory(load: LoadResult | undefined): string {
  const m = load?.memory;
  return m ? `${fmt(m.startMb)} → ${fmt(m.endMb)} (${fmt(m.peakMb)})` : 'n/a';
}

function renderMatrix(results: BenchResults): string[] {
  const lines = [
    '## Endpoints against the bare route',
    '',
    'Each row is a fresh `convosim serve` process (`--db memory` or a new store file). req/s counts 2xx answers only, over the full seconds of the run; the ratio divides by the bare route (POST for writes, GET for the read) at the same connection count. "first → last" are the 2xx of the first and last full second (stall check: last ≥ 70% of first).',
    '',
    '| endpoint | store | conn. | s | 2xx req/s | ratio | p50 ms | p99 ms | 2xx | non-2xx | errors (timeouts) | RSS MB start → end (peak) | store MB | first → last | stop |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |',
  ];
  for (const cell of results.cells) {
    const l = cell.load;
    const stall = l ? checkStall(l.series) : null;
    lines.push(
      `| ${cell.endpoint.title} | ${cell.store} | ${cell.connections} | ${l?.seconds ?? 'n/a'} | ${fmt(l?.rps, 1)} | ${ratioText(ratioOf(results, cell))} | ${fmt(l?.p50)} | ${fmt(l?.p99)} | ${fmt(l?.okTotal)} | ${fmt(l?.non2xx)} | ${l ? `${l.errors} (${l.timeouts})` : 'n/a'} | ${renderMemory(l)} | ${cell.store === 'file' ? mb(cell.storeBytes) : '-'} | ${stall ? `${stall.first} → ${stall.last}${stall.pass ? '' : ' **stall**'}` : 'n/a'} | ${cell.stop ? `${cell.stop.signal}${cell.stop.signal === 'SIGKILL' ? ' (SIGTERM ignored 5 s)' : ''}` : 'n/a'} |`,
    );
  }
  lines.push('', '### Per-second 2xx series', '', '```');
  for (const cell of results.cells)
    lines.push(
      `${`${cell.endpoint.id} ${cell.store} c${cell.connections}`.padEnd(42)} ${cell.load ? cell.load.series.join(' ') : cell.problem}`,
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
    'The receiver (in the benchmark process) answers 200 at once. 8x8 v2: each create sends QUEUED, then AGENT_JOINED after the 2 s auto-accept delay, both signed (RS256); "steady/s" is the mean after the first two seconds. ECE: callbacks come once an agent is assigned (the default fixtures have 4 agent slots on entry point 1001, so at most a few per run). After the load the benchmark waits until no delivery came for a second (at most BENCH_DRAIN_SECONDS). "per create" divides all deliveries by all 2xx creates (including answers after the last full second).',
    '',
    '| endpoint | store | conn. | 2xx creates | deliveries during load | deliveries/s | steady/s | incl. drain | per create | drain ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const cell of cells) {
    const f = cell.fanOut!;
    const l = cell.load!;
    lines.push(
      `| ${cell.endpoint.title} | ${cell.store} | ${cell.connections} | ${fmt(l.okTotal)} | ${fmt(f.duringLoad)} | ${fmt(f.duringLoad / l.seconds, 1)} | ${fmt(steadyDeliveries(f), 1)} | ${fmt(f.total)} | ${l.okTotal ? fmt(f.total / l.okTotal, 2) : 'n/a'} | ${fmt(f.drainMs)}${f.drained ? '' : ' (still delivering)'} |`,
    );
  }
  lines.push('', 'Deliveries per second during the load:', '', '```');
  for (const cell of cells)
    lines.push(
      `${`${cell.endpoint.id} ${cell.store} c${cell.connections}`.padEnd(42)} ${cell.fanOut!.series.join(' ')}`,
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
    `- the provider's \`createSignature\` (src/providers/8x8/events.ts, parses the JWK on every call): ${fmt(s.providerPerSecond)} signatures/s (${fmt((s.providerPerSecond / s.perSecond) * 100)}% of the parsed-key rate)`,
    '',
  ];
}

function largestStep(results: BenchResults): ScaleStep | undefined {
  return [...results.scale].sort((a, b) => b.size - a.size)[0];
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
    `Stores pre-filled through the library (\`createSimulator\` with \`store: <file>\`, virtual clock, webhooks answered by a stub, creates round-robin over ${results.config.fillEndpoints.join(', ')}, the clock advanced 3 s every 500 creates so that auto-accept and assignment run), then \`convosim serve\` started on a copy. Pre-fill budget ${results.config.fillBudgetSeconds} s in all. Each endpoint then ran ${results.config.scaleSeconds} s at ${Math.min(...results.config.connections)} connections.`,
    '',
    `| stored conversations | ${head} |`,
    `| --- | ${sep} |`,
    row('pre-fill time s (ms per create at the end)', (s) =>
      s.fill ? `${fmt(s.fill.ms / 1000, 1)} (${fmt(s.fill.lastMsPerCreate, 2)})` : '-',
    ),
    row(
      'store on disk MB, pre-filled → after the loads',
      (s) => `${mb(s.storeBytes)} → ${mb(s.storeBytesAfter)}`,
    ),
    row('spawn to listening ms', (s) => fmt(s.readyMs)),
    row('spawn to first health 200 ms', (s) => (s.healthMs === null ? 'never' : fmt(s.healthMs))),
    row('RSS idle after start MB', (s) => fmt(s.idleRssMb)),
    row('RSS peak MB', (s) => fmt(s.peakRssMb)),
    row('POST /__admin/reset ms', (s) =>
      s.reset ? `${fmt(s.reset.ms)}${s.reset.status === 200 ? '' : ` (${s.reset.status})`}` : 'n/a',
    ),
    row(
      'servers started (restarts after no health) / stopped by',
      (s) => `${s.stops.length} (${s.restarts.length}) / ${[...new Set(s.stops)].join(', ') || 'n/a'}`,
    ),
  ];
  for (const endpoint of results.endpoints) {
    lines.push(
      row(`${endpoint.title}: p99 ms / 2xx req/s / non-2xx`, (s) => {
        const entry = s.loads.find((l) => l.endpoint.id === endpoint.id);
        if (!entry?.load) return entry?.problem ? 'failed' : 'n/a';
        return `${fmt(entry.load.p99)} / ${fmt(entry.load.rps, 1)} / ${entry.load.non2xx + entry.load.errors}`;
      }),
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
    for (const l of s.loads) if (l.problem) lines.push(`- ${fmt(s.size)}, ${l.endpoint.title}: ${l.problem}`);
  lines.push('');
  return lines;
}

type Goal = { goal: string; measured: string; pass: boolean | null };

function goals(results: BenchResults): Goal[] {
  const list: Goal[] = [];
  const lowest = Math.min(...results.config.connections);
  const stallCells = results.cells.filter((c) => c.connections === lowest && c.load);
  if (stallCells.length > 0) {
    const failing = stallCells.filter((c) => !checkStall(c.load!.series)?.pass);
    const shortest = Math.min(
      ...stallCells.filter((c) => c.endpoint.kind === 'write').map((c) => c.load!.seconds),
    );
    list.push({
      goal: `No stall: last full second ≥ 70% of the first (${lowest} connections; writes ${shortest} s${shortest < 20 ? ', the goal reads 20 s runs' : ''}, read ${results.config.shortSeconds} s)`,
      measured:
        failing.length === 0
          ? `all ${stallCells.length} runs`
          : `${failing.length} of ${stallCells.length} stall: ${failing
              .map((c) => {
                const s = checkStall(c.load!.series);
                return `${label(c)} ${s?.first ?? '?'} → ${s?.last ?? '?'}`;
              })
              .join('; ')}`,
      pass: failing.length === 0,
    });
  }
  const ratioGoal = (goal: string, ids: string[], stores: string[], min: number) => {
    const cells = results.cells.filter(
      (c) => ids.includes(c.endpoint.id) && stores.includes(c.store) && c.load,
    );
    if (cells.length === 0) return list.push({ goal, measured: 'not run', pass: null });
    const ratios = cells.map((c) => ({ c, r: ratioOf(results, c) ?? 0 }));
    const worst = ratios.reduce((a, b) => (b.r < a.r ? b : a));
    list.push({
      goal,
      measured: `${ratios.map(({ c, r }) => `${ids.length > 1 ? `${c.endpoint.title} ` : ''}${c.store === stores[0] && stores.length === 1 ? '' : `${c.store} `}c${c.connections} ${ratioText(r)}`).join(', ')} (worst ${ratioText(worst.r)})`,
      pass: ratios.every(({ r }) => r >= min),
    });
  };
  ratioGoal('ECE start ≥ 0.3× bare Hono (memory store)', ['ece-start'], ['memory'], 0.3);
  ratioGoal('ECE start ≥ 0.2× bare Hono (file store)', ['ece-start'], ['file'], 0.2);
  for (const id of [
    'chatwoot-create-conversation',
    'chatwoot-create-message',
    'airkit-start',
    'gateway-create',
  ]) {
    const title = results.endpoints.find((e) => e.id === id)?.title ?? id;
    ratioGoal(`${title} without webhooks ≥ 0.2× bare Hono`, [id], ['memory', 'file'], 0.2);
  }
  const v2 = results.cells.filter((c) => c.endpoint.id === '8x8-v2-create' && c.load && c.fanOut);
  if (v2.length > 0 && results.signing) {
    const bound = results.signing.perSecond / 2;
    const rates = v2.map((c) => ({ c, r: sustainedCreates(c) ?? 0 }));
    list.push({
      goal: `8x8 v2 creates with webhooks ≥ 70% of the RS256 bound (${fmt(bound)} creates/s; rate = min(2xx/s, steady deliveries/s ÷ 2))`,
      measured: rates
        .map(({ c, r }) => `${c.store} c${c.connections} ${fmt(r, 1)}/s = ${fmt((r / bound) * 100)}%`)
        .join(', '),
      pass: rates.every(({ r }) => r >= 0.7 * bound),
    });
  } else {
    list.push({
      goal: '8x8 v2 creates with webhooks ≥ 70% of the RS256 bound',
      measured: 'not run',
      pass: null,
    });
  }
  const empty = results.scale.find((s) => s.size === 0 && !s.skipped);
  const big = largestStep(results);
  const at = big ? `at ${fmt(big.size)}` : 'at 100k';
  const bigOk = big && big.size > 0 && !big.skipped ? big : undefined;
  const skippedNote = big?.skipped ? `skipped: ${big.skipped}` : 'not run';
  if (bigOk && empty) {
    const ratios = results.endpoints.map((e) => {
      const a = empty.loads.find((l) => l.endpoint.id === e.id)?.load;
      const b = bigOk.loads.find((l) => l.endpoint.id === e.id)?.load;
      return { e, a, b, r: a && b ? Math.max(b.p99, 1) / Math.max(a.p99, 1) : null };
    });
    list.push({
      goal: `${at}: p99 of create and get within 1.5× of an empty store (ms floored at 1)`,
      measured: ratios
        .map(
          ({ e, a, b, r }) =>
            `${e.id} ${fmt(a?.p99)} → ${fmt(b?.p99)} ms (${r === null ? 'n/a' : `${r.toFixed(1)}×`})`,
        )
        .join(', '),
      pass: ratios.every(({ r }) => r !== null && r <= 1.5),
    });
  } else {
    list.push({
      goal: `${at}: p99 of create and get within 1.5× of an empty store`,
      measured: skippedNote,
      pass: null,
    });
  }
  list.push({
    goal: `${at}: RSS < 400 MB (peak of the server process)`,
    measured: bigOk ? `${fmt(bigOk.peakRssMb)} MB` : skippedNote,
    pass: bigOk?.peakRssMb === undefined ? null : bigOk.peakRssMb < 400,
  });
  list.push({
    goal: `${at}: restart to ready < 3 s (spawn to first health 200)`,
    measured: bigOk
      ? bigOk.healthMs === null
        ? 'never answered'
        : `${fmt(bigOk.healthMs)} ms`
      : skippedNote,
    pass: bigOk ? bigOk.healthMs !== null && bigOk.healthMs !== undefined && bigOk.healthMs < 3000 : null,
  });
  if (bigOk && bigOk.listings.length > 0) {
    const slow = bigOk.listings.filter((l) => l.status !== 200 || l.ms >= 100);
    list.push({
      goal: `${at}: search, list and admin listings answered in < 100 ms`,
      measured:
        slow.length === 0
          ? `all ${bigOk.listings.length}, slowest ${fmt(Math.max(...bigOk.listings.map((l) => l.ms)))} ms`
          : slow.map((l) => `${l.title} ${l.status === 0 ? 'timeout' : `${fmt(l.ms)} ms`}`).join('; '),
      pass: slow.length === 0 && bigOk.listings.length === LISTINGS.length,
    });
  } else {
    list.push({
      goal: `${at}: search, list and admin listings answered in < 100 ms`,
      measured: skippedNote,
      pass: null,
    });
  }
  list.push({
    goal: '`kill -9` during a write burst loses no acknowledged change',
    measured: 'a test, not the benchmark',
    pass: null,
  });
  return list;
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
    for (const { endpoint, load } of step.loads) {
      const statuses = Object.entries(load?.statuses ?? {});
      if (statuses.length > 0 || (load?.errors ?? 0) > 0)
        lines.push(
          `- scale ${fmt(step.size)}, ${endpoint.title}: non-2xx answers ${statuses.map(([st, n]) => `${n}× ${st}`).join(', ') || 'none'}, errors ${load?.errors ?? 0} (timeouts ${load?.timeouts ?? 0})`,
        );
    }
  for (const step of results.scale)
    if (step.stderr.length > 0)
      lines.push(`- scale ${fmt(step.size)}: server stderr: ${step.stderr.slice(-3).join(' | ')}`);
  return lines.length === 0 ? [] : ['## Problems seen', '', ...lines, ''];
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
    `Settings: writes ${c.longSeconds} s at ${Math.min(...c.connections)} connections, other runs ${c.shortSeconds} s, bare ${c.bareSeconds} s, scale steps ${c.scaleSeconds} s per endpoint; connections ${c.connections.join(', ')}; stores ${c.stores.join(', ')}; scale sizes ${c.scaleSizes.map((s) => fmt(s)).join(', ')}. Reproduce with \`npm run bench\` (see \`npm run bench -- --help\`).`,
    ...(noisy ? ['', noisy] : []),
    '',
    '## Goals of issue 9',
    '',
    '| goal | measured | verdict |',
    '| --- | --- | --- |',
    ...goals(results).map((g) => `| ${g.goal} | ${g.measured} | ${verdict(g.pass)} |`),
    '',
    ...renderBare(results),
    ...renderMatrix(results),
    ...renderFanOut(results),
    ...renderSigning(results),
    ...renderScale(results),
    ...renderProblems(results),
  ].join('\n');
}
