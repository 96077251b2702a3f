import { open, rename } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** How a background snapshot went. */
export type SnapshotStats = { bytes: number; ms: number; maxSliceMs: number };

// A subtree of at most this many values (containers and leaves) is serialized in one piece by JSON.stringify; a
// larger one entry by entry. Most pieces are then whole records (a conversation), not single fields.
const PIECE_NODES = 512;
const WRITE_BYTES = 1 << 20;

const skipped = (value: unknown) =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

/**
 * What is left of `budget` after counting the values of `value` (negative: more than the budget). `keys`, when
 * given, are the keys of `value` already listed. Leaves are counted where they are read, without a call each:
 * most values of a record are leaves.
 */
function countDown(value: unknown, budget: number, keys?: readonly string[]): number {
  if (value === null || typeof value !== 'object') return budget - 1;
  let left = budget - 1;
  if (Array.isArray(value)) {
    if (value.length > left) return -1;
    for (let i = 0; i < value.length && left >= 0; i++) {
      const item: unknown = value[i];
      left = item !== null && typeof item === 'object' ? countDown(item, left) : left - 1;
    }
    return left;
  }
  const names = keys ?? Object.keys(value);
  if (names.length > left) return -1;
  for (let i = 0; i < names.length && left >= 0; i++) {
    const item = (value as Record<string, unknown>)[names[i]!];
    left = item !== null && typeof item === 'object' ? countDown(item, left) : left - 1;
  }
  return left;
}

/**
 * Serializes a JSON tree piece by piece, so that the caller can yield between pieces. Same text as JSON.stringify;
 * with `lines`, each entry of a container cut into pieces starts a new line (and so does its closing bracket), so
 * that the file reads back line by line (see snapshot-read.ts) and still parses as the same JSON.
 */
export function* toJsonPieces(value: unknown, lines = false): Generator<string> {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  // The keys are listed once: listing a 100k-key collection is the longest single step of a snapshot.
  const keys = Array.isArray(value) ? undefined : Object.keys(value);
  if (countDown(value, PIECE_NODES, keys) >= 0) {
    yield JSON.stringify(value);
    return;
  }
  const newline = lines ? '\n' : '';
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield i > 0 ? `${newline},` : newline;
      const item: unknown = value[i];
      if (skipped(item)) yield 'null';
      else yield* toJsonPieces(item, lines);
    }
    yield `${newline}]`;
    return;
  }
  const record = value as Record<string, unknown>;
  yield '{';
  let first = true;
  for (const key of keys!) {
    // The tree changes between pieces (the snapshot is fuzzy): a key deleted meanwhile is skipped.
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    if (skipped(item)) continue;
    yield `${newline}${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* toJsonPieces(item, lines);
  }
  yield `${newline}}`;
}

/**
 * Writes `value` as JSON to `file` atomically (temporary file, fsync, rename), yielding the event loop whenever a
 * slice of work has taken `sliceMs`, so that a large store never blocks requests for long. The tree may change
 * while it is written: each entry is read at one moment, and the write-ahead log replayed over the snapshot
 * repairs the rest (a fuzzy checkpoint). `pace()` (read at each slice) is how long to pause after a slice, as a
 * multiple of the slice's duration: at 3 the snapshot takes at most a quarter of the event loop; at 0 it yields
 * only a turn.
 */
export async function writeJsonInSlices(
  file: string,
  value: unknown,
  sliceMs = 4,
  pace: () => number = () => 0,
): Promise<SnapshotStats> {
  const began = performance.now();
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w');
  let bytes = 0;
  let maxSliceMs = 0;
  try {
    let parts: string[] = [];
    let size = 0;
    let sliceStart = performance.now();
    const flushParts = async () => {
      const text = parts.join('');
      parts = [];
      size = 0;
      bytes += Buffer.byteLength(text);
      await handle.write(text);
    };
    const endSlice = async (write: boolean) => {
      const sliceMsTaken = performance.now() - sliceStart;
      maxSliceMs = Math.max(maxSliceMs, sliceMsTaken);
      if (write) await flushParts();
      const ratio = pace();
      if (ratio > 0) await sleep(Math.max(1, sliceMsTaken * ratio));
      else if (!write) await nextTurn();
      sliceStart = performance.now();
    };
    let count = 0;
    for (const piece of toJsonPieces(value, true)) {
      parts.push(piece);
      size += piece.length;
      if (size >= WRITE_BYTES) await endSlice(true);
      // The clock is read every 16 pieces: most pieces take microseconds.
      else if (++count % 16 === 0 && performance.now() - sliceStart >= sliceMs) await endSlice(false);
    }
    await endSlice(true);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  return { bytes, ms: performance.now() - began, maxSliceMs };
}
