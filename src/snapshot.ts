import { open, rename } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** How a background snapshot went. */
export type SnapshotStats = { bytes: number; ms: number; maxSliceMs: number };

// Containers this deep or deeper with few entries are serialized in one piece; larger ones entry by entry.
const WHOLE_DEPTH = 3;
const WHOLE_ENTRIES = 16;
const WRITE_BYTES = 1 << 20;

const skipped = (value: unknown) =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** Serializes a JSON tree piece by piece, so that the caller can yield between pieces. Same text as JSON.stringify. */
export function* toJsonPieces(value: unknown, depth = 0): Generator<string> {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  if (Array.isArray(value)) {
    if (depth >= WHOLE_DEPTH && value.length <= WHOLE_ENTRIES) {
      yield JSON.stringify(value);
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      const item: unknown = value[i];
      if (skipped(item)) yield 'null';
      else yield* toJsonPieces(item, depth + 1);
    }
    yield ']';
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (depth >= WHOLE_DEPTH && keys.length <= WHOLE_ENTRIES) {
    yield JSON.stringify(record);
    return;
  }
  yield '{';
  let first = true;
  for (const key of keys) {
    // The tree changes between pieces (the snapshot is fuzzy): a key deleted meanwhile is skipped.
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    if (skipped(item)) continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* toJsonPieces(item, depth + 1);
  }
  yield '}';
}

/**
 * Writes `value` as JSON to `file` atomically (temporary file, fsync, rename), yielding the event loop whenever a
 * slice of work has taken `sliceMs`, so that a large store never blocks requests for long. The tree may change
 * while it is written: each entry is read at one moment, and the write-ahead log replayed over the snapshot
 * repairs the rest (a fuzzy checkpoint).
 */
export async function writeJsonInSlices(file: string, value: unknown, sliceMs = 4): Promise<SnapshotStats> {
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
      maxSliceMs = Math.max(maxSliceMs, performance.now() - sliceStart);
      if (write) await flushParts();
      else await nextTurn();
      sliceStart = performance.now();
    };
    for (const piece of toJsonPieces(value)) {
      parts.push(piece);
      size += piece.length;
      if (size >= WRITE_BYTES) await endSlice(true);
      else if (performance.now() - sliceStart >= sliceMs) await endSlice(false);
    }
    await endSlice(true);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  return { bytes, ms: performance.now() - began, maxSliceMs };
}
