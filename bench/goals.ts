// The goals of issue 9, each with its measured value and a verdict (null: not measured in this run).
import { ENDPOINTS, LISTINGS } from './endpoints.ts';
import type { Cell } from './matrix.ts';
import {
  type BenchResults,
  checkStall,
  fmt,
  label,
  largestStep,
  median,
  medianText,
  ratioOf,
  ratioText,
  rowsOf,
  sustainedCreates,
} from './measures.ts';

/** One row of the goals table. */
export type Goal = { goal: string; measured: string; pass: boolean | null };

/** Evaluates every goal against one run. */
export function evaluateGoals(results: BenchResults): Goal[] {
  const list: Goal[] = [];
  const lowest = Math.min(...results.config.connections);
  const stallCells = results.cells.filter((c) => c.connections === lowest && c.load);
  if (stallCells.length > 0) {
    // With several rounds, a row stalls when most of its rounds do (a chance dip in one second of one round does not).
    const rows = rowsOf(stallCells);
    const rounds = Math.max(...rows.map((row) => row.length));
    const stalled = (c: Cell) => !checkStall(c.load!.series)?.pass;
    const failing = rows.filter((row) => row.filter(stalled).length * 2 > row.length);
    const dips = rows.flatMap((row) => row.filter(stalled));
    const shortest = Math.min(
      ...stallCells.filter((c) => c.endpoint.kind === 'write').map((c) => c.load!.seconds),
    );
    const describe = (c: Cell) => {
      const s = checkStall(c.load!.series);
      return `${label(c)}${rounds > 1 ? ` round ${c.round}` : ''} ${s?.first ?? '?'} → ${s?.last ?? '?'}`;
    };
    list.push({
      goal: `No stall: last full second ≥ 70% of the first (${lowest} connections; writes ${shortest} s${shortest < 20 ? ', the goal reads 20 s runs' : ''}, read ${results.config.shortSeconds} s${rounds > 1 ? `; ${rounds} rounds, a row stalls when most of its rounds do` : ''})`,
      measured:
        dips.length === 0
          ? rounds > 1
            ? `no run dipped (${rows.length} rows, ${stallCells.length} runs)`
            : `all ${rows.length} runs`
          : rounds > 1
            ? `${failing.length} of ${rows.length} rows stall; ${dips.length} of ${stallCells.length} runs dipped: ${dips.map(describe).join('; ')}`
            : `${failing.length} of ${rows.length} stall: ${dips.map(describe).join('; ')}`,
      pass: failing.length === 0,
    });
  }
  const ratioGoal = (goal: string, ids: string[], stores: string[], min: number) => {
    const cells = results.cells.filter(
      (c) => ids.includes(c.endpoint.id) && stores.includes(c.store) && c.load,
    );
    if (cells.length === 0) return list.push({ goal, measured: 'not run', pass: null });
    const ratios = rowMedians(cells, (c) => ratioOf(results, c) ?? 0);
    const worst = ratios.reduce((a, b) => (b.r < a.r ? b : a));
    list.push({
      goal,
      measured: `${ratios.map(({ c, values }) => `${ids.length > 1 ? `${c.endpoint.title} ` : ''}${c.store === stores[0] && stores.length === 1 ? '' : `${c.store} `}c${c.connections} ${medianText(values, ratioText)}`).join(', ')} (worst ${ratioText(worst.r)})`,
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
    const title = ENDPOINTS.find((e) => e.id === id)?.title ?? id;
    ratioGoal(`${title} without webhooks ≥ 0.2× bare Hono`, [id], ['memory', 'file'], 0.2);
  }
  const v2 = results.cells.filter((c) => c.endpoint.id === '8x8-v2-create' && c.load && c.fanOut);
  if (v2.length > 0 && results.signing) {
    const bound = results.signing.perSecond / 2;
    const rates = rowMedians(v2, (c) => sustainedCreates(c) ?? 0);
    list.push({
      goal: `8x8 v2 creates with webhooks ≥ 70% of the RS256 bound (${fmt(bound)} creates/s; rate = min(2xx/s, steady deliveries/s ÷ 2))`,
      measured: rates
        .map(
          ({ c, values, r }) =>
            `${c.store} c${c.connections} ${medianText(values, (n) => `${fmt(n, 1)}/s`)} = ${fmt((r / bound) * 100)}%`,
        )
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
  // Each endpoint's reference is its empty twin, loaded in turns with the step's server (the same minutes of the
  // machine); the size-0 step, measured minutes earlier, only when the twin was not measured. Floored at 1 ms.
  const p99s = !bigOk
    ? []
    : results.endpoints.map((e) => {
        const entry = bigOk.loads.find((l) => l.endpoint.id === e.id);
        const b = entry?.load?.p99;
        const twin = entry?.twin?.load?.p99;
        const zero = empty?.loads.find((l) => l.endpoint.id === e.id)?.load?.p99;
        const a = twin ?? zero;
        return {
          e,
          b,
          twin,
          zero,
          r: a !== undefined && b !== undefined ? Math.max(b, 1) / Math.max(a, 1) : null,
        };
      });
  if (p99s.some(({ twin, zero }) => twin !== undefined || zero !== undefined)) {
    const byTwin = p99s.filter(({ twin }) => twin !== undefined).length;
    const reference =
      byTwin === p99s.length
        ? "each endpoint's empty twin, loaded in turns in the same step"
        : byTwin === 0
          ? 'the size-0 step, measured minutes earlier'
          : 'the empty twin loaded in turns in the same step, else the size-0 step';
    list.push({
      goal: `${at}: p99 of create and get within 1.5× of an empty store (reference: ${reference}; ms floored at 1)`,
      measured: p99s
        .map(({ e, b, twin, zero, r }) => {
          const ratio = r === null ? 'n/a' : `${r.toFixed(1)}×`;
          return twin !== undefined
            ? `${e.id} ${fmt(b, 1)} vs twin ${fmt(twin, 1)} ms (${ratio}; size-0 step ${fmt(zero, 1)} ms)`
            : `${e.id} ${fmt(b, 1)} vs size-0 step ${fmt(zero, 1)} ms (${ratio})`;
        })
        .join(', '),
      pass: p99s.every(({ r }) => r !== null && r <= 1.5),
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

/** Each row's figure in every round, and their median (the row as a goal reads it), rows in the order first run. */
function rowMedians(cells: readonly Cell[], figure: (cell: Cell) => number) {
  return rowsOf(cells).map((row) => {
    const values = row.map(figure);
    return { c: row[0]!, values, r: median(values) ?? 0 };
  });
}
