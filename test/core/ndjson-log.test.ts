import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { linesFromEnd, openNdjsonLog } from '../../src/ndjson-log.ts';

test('the tail of a rotated log is its newest entries in order, across files, skipping a torn line', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'convosim-ndjson-')), 'log.ndjson');
  const log = openNdjsonLog(file, { maxBytes: 200, keep: 3 });
  for (let i = 0; i < 40; i++) {
    log.queue({ i });
    await log.written();
  }
  log.close();
  appendFileSync(file, '{"i":');
  const reopened = openNdjsonLog(file, { maxBytes: 200, keep: 3 });
  const all = reopened.readTail(1000) as { i: number }[];
  const newest = all.map((entry) => entry.i);
  expect(newest.at(-1)).toBe(39);
  expect(newest).toEqual(Array.from({ length: newest.length }, (_, k) => 40 - newest.length + k));
  expect(reopened.readTail(5)).toEqual([35, 36, 37, 38, 39].map((i) => ({ i })));
  expect(reopened.readTail(0)).toEqual([]);
  reopened.close();
});

test('lines read from the end are whole across chunk boundaries, multi-byte characters included', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'convosim-tail-'));
  const file = path.join(dir, 'lines.ndjson');
  // About 3 MiB of lines of varied lengths with 2-, 3- and 4-byte characters, so that chunk edges (every MiB from
  // the end) fall inside lines and inside characters.
  const lines = Array.from({ length: 9000 }, (_, i) => `${i}:${'é€😀x'.repeat(i % 97)}`);
  writeFileSync(file, `${lines.join('\n')}\n\n`);
  expect([...linesFromEnd(file)]).toEqual([...lines].reverse());
  // Stopping early reads only what it needs (and closes the file).
  const first: string[] = [];
  for (const line of linesFromEnd(file)) {
    first.push(line);
    if (first.length === 3) break;
  }
  expect(first).toEqual(lines.slice(-3).reverse());
});

test('records carried into a new file do not count toward its rotation, however many there are', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'convosim-carry-')), 'log.ndjson');
  let rotations = 0;
  // Ten carried records of about 40 bytes each: twice the 200-byte limit.
  const log = openNdjsonLog(file, {
    maxBytes: 200,
    keep: 2,
    onRotate(append) {
      rotations++;
      for (let i = 0; i < 10; i++) append({ carried: i, pad: 'x'.repeat(20) });
    },
  });
  for (let i = 0; i < 60; i++) {
    log.queue({ i, pad: 'y'.repeat(10) });
    await log.written();
  }
  // 60 records of about 30 bytes: 1,800 bytes of new records, a rotation per 200 of them (before: one per append
  // once the first carry had filled the file past its limit).
  expect(rotations).toBeGreaterThanOrEqual(7);
  expect(rotations).toBeLessThanOrEqual(10);
  const tail = log.readTail(1_000, 1) as { carried?: number; i?: number }[];
  expect(tail.slice(0, 10).map((r) => r.carried)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(tail.at(-1)?.i).toBe(59);
  log.close();
});

test('records queued in one turn are written together at its end, in order, and written() says when', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'convosim-queue-')), 'log.ndjson');
  const log = openNdjsonLog(file);
  expect(log.written()).toBeUndefined();
  for (let i = 0; i < 3; i++) log.queue({ i });
  expect(readFileSync(file, 'utf8')).toBe('');
  await log.written();
  expect(readFileSync(file, 'utf8')).toBe('{"i":0}\n{"i":1}\n{"i":2}\n');
  expect(log.written()).toBeUndefined();
  log.close();
});

test('written(true) writes what the running promise reactions queued, in one write, before the next turn', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'convosim-soon-')), 'log.ndjson');
  const log = openNdjsonLog(file);
  let release = () => {};
  const endOfTurn = new Promise<void>((resolve) => {
    release = resolve;
  });
  // Three answers waiting for the end of a turn (as for the store's write); each records its entry, then waits for it.
  const seen: string[] = [];
  const answers = [0, 1, 2].map(async (i) => {
    await endOfTurn;
    await Promise.resolve();
    log.queue({ i });
    await log.written(true);
    seen.push(readFileSync(file, 'utf8'));
  });
  const nextTurn = await new Promise<string[]>((resolve) =>
    setImmediate(() => {
      release();
      setImmediate(() => resolve([...seen]));
    }),
  );
  const all = '{"i":0}\n{"i":1}\n{"i":2}\n';
  expect(nextTurn).toEqual([all, all, all]);
  await Promise.all(answers);
  expect(log.written()).toBeUndefined();
  log.close();
  expect(readFileSync(file, 'utf8')).toBe(all);
});
