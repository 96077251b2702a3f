// npm run bench: loopback only, bounded in time. Every provider's main write endpoint and one read, at each
// connection count, with the memory and the file store, as ratios to a bare Hono route measured in the same
// run (at the start and at the end); per-second series; webhook fan-out; the RS256 signing bound; a scale
// curve over pre-filled stores. Writes bench/results.md (BENCH_OUT). `npm run bench -- --help` for settings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { estimateSeconds, loadConfig, USAGE } from './config.ts';
import { ENDPOINTS, type Endpoint } from './endpoints.ts';
import { type Cell, loadBare, measureBare, runCell, startBare } from './matrix.ts';
import type { BenchResults } from './measures.ts';
import { startReceiver } from './receiver.ts';
import { renderReport } from './report.ts';
import { runScale } from './scale.ts';
import { stopServer } from './server.ts';
import { measureSigning } from './signing.ts';

if (process.argv.includes('--help')) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const config = loadConfig(process.argv.slice(2), process.env);
const endpoints = ENDPOINTS.filter((e) => !config.only || config.only.test(e.id));
const log = (line: string) => process.stderr.write(`${line}\n`);
const began = performance.now();
log(
  `bench: ${endpoints.length} endpoints, sections ${[...config.sections].join(', ')}; at most about ${Math.ceil(estimateSeconds(config, endpoints) / 60)} min`,
);

const tmp = mkdtempSync(path.join(tmpdir(), 'convosim-bench-'));
const receiver = await startReceiver();
const results: BenchResults = {
  config,
  startedAt: new Date(),
  totalSeconds: 0,
  machine: {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown cpu',
    node: process.version,
    loadStart: loadavg(),
    loadEnd: [],
  },
  cells: [],
  scale: [],
  endpoints,
};

try {
  if (config.sections.has('matrix')) {
    log('bare Hono (start)');
    results.bareStart = await measureBare(config);
    // Each cell loads a fresh bare server just before its own (fresh) server starts and just after it stops: all start cold.
    const loadFreshBare = async (kind: Endpoint['kind'], connections: number) => {
      const bare = await startBare(config);
      try {
        return await loadBare(config, bare, kind, connections);
      } finally {
        await stopServer(bare);
      }
    };
    // Round after round of the whole matrix (not each row repeated at once): a slow patch of the machine, which can
    // last minutes, then falls on one round of several rows rather than on every round of one.
    for (let round = 1; round <= config.rounds; round++) {
      for (const endpoint of endpoints) {
        for (const store of config.stores) {
          for (const connections of config.connections) {
            const cell: Cell = await runCell(
              config,
              receiver,
              tmp,
              endpoint,
              store,
              connections,
              loadFreshBare,
              round,
            );
            results.cells.push(cell);
            log(
              `${config.rounds > 1 ? `round ${round}: ` : ''}${endpoint.id} ${store} c${connections}: ${cell.load ? `${cell.load.rps.toFixed(1)} 2xx/s (bare before ${cell.bare?.rps.toFixed(0) ?? 'n/a'}, after ${cell.bareAfter?.rps.toFixed(0) ?? 'n/a'}), p99 ${cell.load.p99.toFixed(1)} ms, non-2xx ${cell.load.non2xx}, errors ${cell.load.errors}` : 'no load'}${cell.problem ? ` (${cell.problem})` : ''}`,
            );
          }
        }
      }
    }
    log('bare Hono (end)');
    results.bareEnd = await measureBare(config);
  }
  if (config.sections.has('signing')) {
    log('RS256 signing');
    results.signing = await measureSigning(config.signSeconds);
  }
  if (config.sections.has('scale')) {
    log('scale curve');
    results.scale = await runScale(config, receiver, tmp, endpoints, log);
  }
} finally {
  await receiver.close();
  rmSync(tmp, { recursive: true, force: true });
}

results.machine.loadEnd = loadavg();
results.totalSeconds = (performance.now() - began) / 1000;
const report = renderReport(results);
writeFileSync(config.out, `${report}\n`);
process.stdout.write(`${report}\n`);
log(`bench: ${results.totalSeconds.toFixed(0)} s; wrote ${config.out}`);
