// npm run bench: loopback only, bounded in time. Measures a representative provider endpoint against a bare
// Hono route (throughput and p99, as a ratio) and the time from process start to ready. Writes bench/results.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { benchTarget } from './target.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const STARTS = 5;

type Started = { child: ChildProcess; url: string; readyMs: number };

function start(args: string[]): Promise<Started> {
  const began = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
      if (!url) return reject(new Error(`unexpected first line: ${line}`));
      resolve({ child, url, readyMs: performance.now() - began });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready`)));
  });
}

async function stop(started: Started) {
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGTERM');
  await exited;
}

async function load(
  url: string,
  request: { method: 'POST' | 'GET'; path: string; headers: Record<string, string>; body?: string },
) {
  const result = await autocannon({
    url: url + request.path,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: CONNECTIONS,
    duration: DURATION_S,
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

const cli = path.resolve('bin/convosim.js');
const dbDir = mkdtempSync(path.join(tmpdir(), 'convosim-bench-'));

const readyTimes: number[] = [];
for (let i = 0; i < STARTS; i++) {
  const started = await start([
    cli,
    'serve',
    '--port',
    '0',
    '--db',
    path.join(dbDir, `start-${i}.json`),
    '--log-level',
    'error',
  ]);
  readyTimes.push(started.readyMs);
  await stop(started);
}
readyTimes.sort((a, b) => a - b);
const readyMedian = readyTimes[Math.floor(readyTimes.length / 2)]!;

const bare = await start(['--import', 'tsx', path.resolve('bench/bare-server.ts')]);
const bareResult = await load(bare.url, {
  method: 'POST',
  path: '/bare',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ text: 'hello' }),
});
await stop(bare);

const sim = await start([
  cli,
  'serve',
  '--port',
  '0',
  '--db',
  path.join(dbDir, 'load.json'),
  '--log-level',
  'error',
]);
const target = await benchTarget(sim.url);
const simResult = await load(sim.url, target.request);
const readResult = await load(sim.url, target.read);
await stop(sim);
await target.close();

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const rows = [
  ['bare Hono route (POST /bare)', bareResult],
  [`convosim ${target.name}`, simResult],
  [
    `convosim 8x8 v2 get conversation (${target.read.method} ${target.read.path.replace(/[^/]+$/, '{id}')})`,
    readResult,
  ],
] as const;
const ratio = (a: number, b: number) => (a / b).toPrecision(3);
const report = [
  '# Benchmark results',
  '',
  `Run ${new Date().toISOString()} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}.`,
  `Load: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per target, loopback only. Store: a JSON file (coalesced writes).`,
  '',
  '| target | req/s | p50 ms | p99 ms | requests | non-2xx | errors |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    ([name, r]) =>
      `| ${name} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${r.total} | ${r.non2xx} | ${r.errors} |`,
  ),
  '',
  `Throughput ratio convosim / bare Hono: create **${ratio(simResult.rps, bareResult.rps)}**, get **${ratio(readResult.rps, bareResult.rps)}**; p99 ratio (ms / max(1, bare ms)): create **${ratio(simResult.p99, Math.max(bareResult.p99, 1))}**, get **${ratio(readResult.p99, Math.max(bareResult.p99, 1))}**.`,
  '',
  `Process start to ready (CLI \`convosim serve\`, spawn to the "listening" line, median of ${STARTS}): **${fmt(readyMedian)} ms** (all: ${readyTimes.map(fmt).join(', ')} ms).`,
  '',
  target.note,
  '',
].join('\n');
writeFileSync(path.resolve('bench/results.md'), report);
process.stdout.write(report);
