// What the report and the goals derive from the raw figures: ratios to the bare route, the stall check, the
// rate of 8x8 creates the webhooks kept up with, and number formatting.
import type { BenchConfig } from './config.ts';
import type { Endpoint } from './endpoints.ts';
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

/** A number for a table; n/a when missing. */
export const fmt = (n: number | undefined | null, digits = 0) =>
  n === undefined || n === null || !Number.isFinite(n)
    ? 'n/a'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** A ratio with two significant digits below 0.1. */
export const ratioText = (n: number | null) =>
  n === null ? 'n/a' : n < 0.1 ? n.toPrecision(2) : n.toFixed(2);
/** Bytes as MB. */
export const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : fmt(bytes / 1024 / 1024, 1));
/** A goal's verdict cell. */
export const verdict = (pass: boolean | null) =>
  pass === null ? 'not measured' : pass ? '**pass**' : '**FAIL**';

/** Mean 2xx req/s of the bare route at the start and the end, for an endpoint kind and connection count. */
export function bareRps(results: BenchResults, kind: 'write' | 'read', connections: number): number | null {
  const pick = (runs?: BareRuns) => (kind === 'write' ? runs?.post : runs?.get)?.[connections]?.rps;
  const values = [pick(results.bareStart), pick(results.bareEnd)].filter((v): v is number => v !== undefined);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * 2xx req/s of a cell divided by the bare route's: the mean of the bare runs just before and just after the cell
 * when there are (the machine's speed drifts by up to half within a run; the two runs bracket the cell's own), else
 * the mean of the start and end runs.
 */
export function ratioOf(results: BenchResults, cell: Cell): number | null {
  const bares = [cell.bare?.rps, cell.bareAfter?.rps].filter((rps): rps is number => !!rps);
  if (bares.length === 0 || !cell.load) return ratioToMean(results, cell);
  return cell.load.rps / (bares.reduce((sum, rps) => sum + rps, 0) / bares.length);
}

/** 2xx req/s of a cell divided by the mean of the bare runs at the start and the end of the matrix. */
export function ratioToMean(results: BenchResults, cell: Cell): number | null {
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

/** The median of some numbers (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >>> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The cells of each matrix row (endpoint, store, connections), one per round, rows in the order first run. */
export function rowsOf(cells: readonly Cell[]): Cell[][] {
  const rows = new Map<string, Cell[]>();
  for (const cell of cells) {
    const key = `${cell.endpoint.id}|${cell.store}|${cell.connections}`;
    const row = rows.get(key);
    if (row) row.push(cell);
    else rows.set(key, [cell]);
  }
  return [...rows.values()];
}

/** A row's figure: the median of its rounds', with each round's in parentheses when there are several. */
export function medianText(values: readonly number[], text: (n: number) => string): string {
  const m = median(values);
  if (m === null) return 'n/a';
  return values.length > 1 ? `${text(m)} (${values.map(text).join(', ')})` : text(m);
}

/** A cell's name in sentences. */
export const label = (cell: Cell) => `${cell.endpoint.title} (${cell.store}, ${cell.connections} conn.)`;

/** The largest step of the scale curve. */
export function largestStep(results: BenchResults): ScaleStep | undefined {
  return [...results.scale].sort((a, b) => b.size - a.size)[0];
}
