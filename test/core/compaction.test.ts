import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { compact, compactInWorker } from '../../src/compaction.ts';
import { toJsonPieces } from '../../src/snapshot.ts';
import { readSnapshotFile } from '../../src/snapshot-read.ts';
import { runTransaction, type StateOp } from '../../src/state-tx.ts';
import { toLogLine } from '../../src/wal.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'convosim-compaction-'));
let stores = 0;
const newFile = () => path.join(dir, `s${stores++}.json`);

/** A small deterministic random source (mulberry32), so that each property run is one seed. */
function randomOf(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof randomOf>;

// Keys that exercise the cases: numeric keys (ordered first by objects), `__proto__`, `length` on objects.
const KEYS = ['a', 'b', 'c', 'id', '0', '1', '7', '12', '__proto__', 'length', 'x y', 'é\\"'];

function randomValue(random: Random, depth: number): unknown {
  const kind = depth <= 0 ? random.int(3) : random.int(5);
  if (kind === 0) return random.int(100);
  if (kind === 1) return random.pick(['s', '', 'long text {', null, true]);
  if (kind === 2) return random.next() < 0.5 ? null : `v${random.int(9)}`;
  if (kind === 3) return Array.from({ length: random.int(6) }, () => randomValue(random, depth - 1));
  const record: Record<string, unknown> = {};
  for (let i = random.int(6); i > 0; i--) {
    Object.defineProperty(record, random.pick(KEYS), {
      value: randomValue(random, depth - 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return record;
}

/** A random container inside `root` (a draft), reached through existing keys. */
function randomContainer(random: Random, root: Record<string, unknown>): Record<string, unknown> {
  let node = root;
  while (random.next() < 0.7) {
    const keys = Object.keys(node).filter((key) => {
      const value = node[key];
      return value !== null && typeof value === 'object';
    });
    if (keys.length === 0) break;
    node = node[random.pick(keys)] as Record<string, unknown>;
  }
  return node;
}

/** One random change of a draft, as provider code makes them (assignments, deletions, array methods). */
function randomChange(random: Random, root: Record<string, unknown>): void {
  const node = randomContainer(random, root);
  if (Array.isArray(node)) {
    const action = random.int(8);
    if (action === 0) node.push(randomValue(random, 2));
    else if (action === 1) node.pop();
    else if (action === 2) node[random.int(node.length + 3)] = randomValue(random, 2);
    else if (action === 3 && node.length > 0) delete node[random.int(node.length)];
    else if (action === 4) node.length = random.int(node.length + 1);
    else if (action === 5) node.splice(random.int(node.length + 1), random.int(3), randomValue(random, 1));
    else if (action === 6) node.unshift(randomValue(random, 1));
    else node.reverse();
    return;
  }
  const keys = Object.keys(node);
  const key =
    keys.length > 0 && random.next() < 0.5
      ? random.pick(keys)
      : random.next() < 0.3
        ? `k${random.int(50)}`
        : random.pick(KEYS);
  const action = random.next();
  if (action < 0.25) delete node[key];
  else if (action < 0.4) {
    // Removed and assigned again: the key moves to the end of its object.
    delete node[key];
    node[key] = randomValue(random, 1);
  } else node[key] = randomValue(random, 2);
}

const initialDoc = (random: Random) => ({
  version: 2,
  walFrom: 1,
  meta: { seed: 1, boots: 0, clockNow: null },
  providers: {
    p: {
      conversations: Object.fromEntries(
        Array.from({ length: 1 + random.int(30) }, (_, i) => [
          i % 3 === 0 ? String(i) : `c${i}`,
          randomValue(random, 3),
        ]),
      ),
      list: Array.from({ length: random.int(20) }, () => randomValue(random, 2)),
      small: randomValue(random, 2),
    },
    q: { r: randomValue(random, 3) },
  },
});

/** Runs `count` random transactions on `live`, writing their log lines to segments [1, segments]. */
function logChanges(
  file: string,
  live: Record<string, unknown>,
  random: Random,
  count: number,
  segments: number,
) {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const providers = live.providers as Record<string, unknown>;
    const name = random.pick(
      Object.keys(providers).filter((key) => providers[key] !== null && typeof providers[key] === 'object'),
    );
    const tx = runTransaction(
      providers[name] as Record<string, unknown>,
      ['providers', name],
      (draft) => {
        for (let n = 1 + random.int(3); n > 0; n--) randomChange(random, draft);
      },
      true,
    );
    const ops: StateOp[] = [...tx.ops];
    if (random.next() < 0.05) {
      // A provider replaced whole (reset), or removed and added back.
      const state = { r: randomValue(random, 3) };
      providers[name] = state;
      ops.push([['providers', name], state]);
    }
    if (ops.length > 0) lines.push(toLogLine(ops));
  }
  // Segments are replayed in order: each one holds a later stretch of the changes.
  let at = 0;
  for (let s = 1; s <= segments; s++) {
    const share = s === segments ? lines.length - at : Math.floor(lines.length / segments);
    writeFileSync(`${file}.wal.${s}`, lines.slice(at, at + share).join(''));
    at += share;
  }
}

const snapshotText = (doc: unknown, pieceNodes: number) => [...toJsonPieces(doc, true, pieceNodes)].join('');

test('compaction folds the log into the snapshot exactly as replaying it would (property, cut containers everywhere)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer(), fc.constantFrom(1, 3, 8, 64, 512), async (seed, pieceNodes) => {
      const random = randomOf(seed);
      const doc = initialDoc(random);
      const file = newFile();
      writeFileSync(file, snapshotText(doc, pieceNodes));
      const live = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
      logChanges(file, live, random, 1 + random.int(40), 1 + random.int(3));
      compact({ file, from: 1, to: 4, base: null, derived: {}, pieceNodes });
      const read = await readSnapshotFile(file);
      // Key order included: the snapshot must read back to the very tree the live process holds.
      expect(JSON.stringify(read?.value)).toBe(JSON.stringify({ ...live, walFrom: 4 }));
    }),
    { seed: 9, numRuns: 300 },
  );
});

test('a compaction folds only the segments [from, to): later ones stay for the replay', async () => {
  const file = newFile();
  writeFileSync(file, snapshotText({ version: 2, walFrom: 1, meta: {}, providers: { p: { n: 0 } } }, 1));
  writeFileSync(`${file}.wal.1`, toLogLine([[['providers', 'p', 'n'], 1]]));
  writeFileSync(`${file}.wal.2`, toLogLine([[['providers', 'p', 'n'], 2]]));
  writeFileSync(`${file}.wal.3`, toLogLine([[['providers', 'p', 'n'], 3]]));
  const stats = compact({ file, from: 2, to: 3, base: null, derived: {} });
  expect(stats.changes).toBe(1);
  expect((await readSnapshotFile(file))?.value).toEqual({
    version: 2,
    walFrom: 3,
    meta: {},
    providers: { p: { n: 2 } },
  });
});

test('derived keys and keys an older version kept at the root are left out of the snapshot', async () => {
  const file = newFile();
  const doc = {
    version: 1,
    meta: { seed: 1, boots: 2 },
    journal: [{ id: 1 }],
    providers: { p: { records: { a: 1 }, index: { a: [1, 2] } }, q: { index: 5, other: 1 } },
  };
  writeFileSync(file, snapshotText(doc, 2));
  writeFileSync(`${file}.wal.1`, toLogLine([[['providers', 'p', 'records', 'b'], 2]]));
  compact({ file, from: 1, to: 2, base: null, derived: { p: ['index'], q: ['index'] } });
  expect((await readSnapshotFile(file))?.value).toEqual({
    version: 2,
    meta: { seed: 1, boots: 2 },
    providers: { p: { records: { a: 1, b: 2 } }, q: { other: 1 } },
    walFrom: 2,
  });
});

test('a store without a snapshot file starts from the base document', async () => {
  const file = newFile();
  writeFileSync(`${file}.wal.1`, toLogLine([[['providers', 'p'], { a: 1 }]]));
  compact({
    file,
    from: 1,
    to: 2,
    base: { version: 2, walFrom: 1, meta: { seed: 3 }, providers: {} },
    derived: {},
  });
  expect((await readSnapshotFile(file))?.value).toEqual({
    version: 2,
    walFrom: 2,
    meta: { seed: 3 },
    providers: { p: { a: 1 } },
  });
});

test('a snapshot not in lines (pretty-printed by hand) is read whole once, and written in lines', async () => {
  const file = newFile();
  const conversations = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`c${i}`, { i }]));
  writeFileSync(
    file,
    JSON.stringify({ version: 2, walFrom: 1, meta: {}, providers: { p: { conversations } } }, null, 2),
  );
  writeFileSync(`${file}.wal.1`, toLogLine([[['providers', 'p', 'conversations', 'c1', 'i'], -1]]));
  expect(compact({ file, from: 1, to: 2, base: null, derived: {} }).read).toBe('whole');
  const text = readFileSync(file, 'utf8');
  expect(text.split('\n').length).toBeGreaterThan(600);
  const value = (await readSnapshotFile(file))?.value as {
    providers: { p: { conversations: Record<string, { i: number }> } };
  };
  expect(value.providers.p.conversations.c1).toEqual({ i: -1 });
  expect(Object.keys(value.providers.p.conversations)).toHaveLength(600);
});

test('a snapshot in lines with CRLF line ends (saved by an editor) is still merged line by line, and written with LF', async () => {
  const file = newFile();
  const conversations = Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => [`c${i}`, { i, tags: ['a'] }]),
  );
  const doc = {
    version: 2,
    walFrom: 1,
    meta: {},
    providers: { p: { conversations }, q: { n: [1, { m: 2 }] } },
  };
  writeFileSync(file, snapshotText(doc, 1).replaceAll('\n', '\r\n'));
  writeFileSync(`${file}.wal.1`, toLogLine([[['providers', 'p', 'conversations', 'c1', 'i'], -1]]));
  expect(compact({ file, from: 1, to: 2, base: null, derived: {} }).read).toBe('lines');
  const text = readFileSync(file, 'utf8');
  expect(text).not.toContain('\r');
  conversations.c1!.i = -1;
  expect((await readSnapshotFile(file))?.value).toEqual({ ...doc, walFrom: 2 });
});

test('a torn last line of a folded segment is skipped, as the replay at start skips it', async () => {
  const file = newFile();
  writeFileSync(file, snapshotText({ version: 2, walFrom: 1, meta: {}, providers: {} }, 512));
  writeFileSync(`${file}.wal.1`, `${toLogLine([[['providers', 'p'], 1]])}[[["providers","p"],2`);
  compact({ file, from: 1, to: 2, base: null, derived: {} });
  expect((await readSnapshotFile(file))?.value).toMatchObject({ providers: { p: 1 } });
});

test('a compaction in a worker thread writes the same snapshot as one in this thread', async () => {
  const random = randomOf(42);
  const doc = initialDoc(random);
  const here = newFile();
  const there = newFile();
  for (const file of [here, there]) writeFileSync(file, snapshotText(doc, 4));
  const live = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  logChanges(here, live, random, 50, 2);
  for (const s of [1, 2]) writeFileSync(`${there}.wal.${s}`, readFileSync(`${here}.wal.${s}`));
  compact({ file: here, from: 1, to: 3, base: null, derived: {} });
  const stats = await compactInWorker({ file: there, from: 1, to: 3, base: null, derived: {} });
  expect(stats.bytes).toBe(readFileSync(there).length);
  expect(readFileSync(there, 'utf8')).toBe(readFileSync(here, 'utf8'));
  expect(existsSync(`${there}.tmp`)).toBe(false);
});

test.runIf(process.platform === 'linux')(
  'a compaction in a worker thread runs at nice 19 on Linux, and the rest of the process keeps its priority',
  async () => {
    const file = newFile();
    writeFileSync(file, snapshotText({ version: 2, walFrom: 1, meta: {}, providers: {} }, 512));
    writeFileSync(`${file}.wal.1`, toLogLine([[['providers', 'p'], 1]]));
    const before = getPriority();
    const stats = await compactInWorker({ file, from: 1, to: 2, base: null, derived: {} });
    expect(stats.nice).toBe(19);
    expect(getPriority()).toBe(before);
    expect((await readSnapshotFile(file))?.value).toMatchObject({ providers: { p: 1 } });
  },
);

test('a compaction that fails in the worker rejects with its reason and leaves the old snapshot', async () => {
  const file = newFile();
  writeFileSync(file, snapshotText({ version: 2, walFrom: 1, meta: {}, providers: {} }, 512));
  writeFileSync(`${file}.wal.1`, 'not a log line\n{}\n');
  await expect(compactInWorker({ file, from: 1, to: 2, base: null, derived: {} })).rejects.toThrow(
    /is not a valid log line/,
  );
  expect((await readSnapshotFile(file))?.value).toEqual({ version: 2, walFrom: 1, meta: {}, providers: {} });
});

test('a key removed and assigned again moves to the end of its object, in a cut object and in a record', async () => {
  for (const pieceNodes of [1, 512]) {
    const file = newFile();
    const doc = { version: 2, walFrom: 1, meta: {}, providers: { p: { a: 1, b: 2, c: { x: 1, y: 2 } } } };
    writeFileSync(file, snapshotText(doc, pieceNodes));
    const live = JSON.parse(JSON.stringify(doc)) as { providers: Record<string, unknown> };
    const tx = runTransaction(live.providers.p as Record<string, unknown>, ['providers', 'p'], (p) => {
      delete p.a;
      p.n = 0;
      p.a = 3;
      const c = p.c as Record<string, unknown>;
      delete c.x;
      c.x = 4;
      p.b = 5;
    });
    writeFileSync(`${file}.wal.1`, toLogLine(tx.ops));
    compact({ file, from: 1, to: 2, base: null, derived: {}, pieceNodes });
    const read = (await readSnapshotFile(file))?.value as typeof live;
    expect(JSON.stringify(read.providers.p)).toBe('{"b":5,"c":{"y":2,"x":4},"n":0,"a":3}');
    expect(JSON.stringify(read.providers.p)).toBe(JSON.stringify(live.providers.p));
  }
});
