import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { toJsonPieces } from '../../src/snapshot.ts';
import { createStore } from '../../src/store.ts';

test('a snapshot in pieces is the same text as JSON.stringify (property)', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
      expect([...toJsonPieces(value)].join('')).toBe(JSON.stringify(value));
    }),
    { seed: 7, numRuns: 300 },
  );
  const wide = {
    a: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, { list: [i, undefined, null] }])),
  };
  expect([...toJsonPieces(wide)].join('')).toBe(JSON.stringify(wide));
});

test('a large tree is cut into pieces of whole records and still reads as JSON.stringify', () => {
  fc.assert(
    fc.property(
      fc.array(fc.jsonValue({ maxDepth: 3 }), { minLength: 300, maxLength: 600 }),
      fc.integer({ min: 520, max: 900 }),
      (records, width) => {
        const tree = {
          list: [...records, undefined, () => 1],
          map: Object.fromEntries(
            Array.from({ length: width }, (_, i) => [`k${i}`, { i, gone: undefined, items: [i, undefined] }]),
          ),
          nested: { deeper: { rows: records.map((r, i) => ({ r, i, skip: undefined })) } },
        };
        const pieces = [...toJsonPieces(tree)];
        expect(pieces.join('')).toBe(JSON.stringify(tree));
        expect(pieces.length).toBeGreaterThan(width);
        expect(pieces.length).toBeLessThan(10 * (records.length * 2 + width));
      },
    ),
    { seed: 11, numRuns: 30 },
  );
});

test('changes made while a snapshot is being written are all there after a restart', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'convosim-snap-')), 'db.json');
  const store = await createStore({ location: file, seed: 1 });
  type State = { conversations: Record<string, { n: number; log: number[] }>; order: string[] };
  const conversations: State['conversations'] = {};
  for (let i = 0; i < 500; i++) conversations[`c${i}`] = { n: 0, log: [] };
  store.replace('p', { conversations, order: Object.keys(conversations) });
  const snapshot = store.snapshot();
  let done = false;
  void snapshot.then(() => (done = true));
  let turns = 0;
  // Change, add and remove entries between the slices of the snapshot.
  while (!done) {
    store.update<State, void>('p', (d) => {
      const id = `c${(turns * 37) % 500}`;
      const c = d.conversations[id];
      if (c) {
        c.n++;
        c.log.push(turns);
      }
      d.conversations[`new${turns}`] = { n: turns, log: [turns] };
      delete d.conversations[`c${(turns * 53 + 11) % 500}`];
      d.order.shift();
      d.order.push(`new${turns}`);
    });
    turns++;
    await nextTurn();
  }
  expect(turns).toBeGreaterThan(10);
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'convosim-snap-copy-')), 'db.json');
  for (const name of readdirSync(path.dirname(file)).filter((n) => !n.endsWith('.lock'))) {
    copyFileSync(path.join(path.dirname(file), name), path.join(path.dirname(copy), name));
  }
  const reopened = await createStore({ location: copy, seed: 1 });
  expect(JSON.stringify(reopened.data.providers.p)).toBe(JSON.stringify(store.data.providers.p));
  await reopened.close();
  await store.close();
});
