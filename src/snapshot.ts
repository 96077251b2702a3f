// A subtree of at most this many values (containers and leaves) is serialized in one piece by JSON.stringify; a
// larger one entry by entry. Most pieces are then whole records (a conversation), not single fields.
const PIECE_NODES = 512;

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
 * Serializes a JSON tree piece by piece (a large store is never one string). Same text as JSON.stringify;
 * with `lines`, each entry of a container cut into pieces starts a new line (and so does its closing bracket), so
 * that the file reads back line by line (see snapshot-read.ts) and still parses as the same JSON. `pieceNodes` (tests)
 * sets the size of a subtree serialized in one piece.
 */
export function* toJsonPieces(value: unknown, lines = false, pieceNodes = PIECE_NODES): Generator<string> {
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
  if (countDown(value, pieceNodes, keys) >= 0) {
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
      else yield* toJsonPieces(item, lines, pieceNodes);
    }
    yield `${newline}]`;
    return;
  }
  const record = value as Record<string, unknown>;
  yield '{';
  let first = true;
  for (const key of keys!) {
    // A key deleted while the pieces are read (the caller yields between them) is skipped.
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    if (skipped(item)) continue;
    yield `${newline}${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* toJsonPieces(item, lines, pieceNodes);
  }
  yield `${newline}}`;
}
