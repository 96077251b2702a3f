import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BUCKET_SIZE,
  compareEntries,
  createSortedIndex,
  insertEntry,
  removeEntry,
  sliceIds,
  toEntry,
  walkIds,
} from '../../../src/providers/8x8/model-sorted-index.ts';
import { runTransaction } from '../../../src/state-tx.ts';

const allIds = (index: ReturnType<typeof createSortedIndex>) => {
  const ids: string[] = [];
  walkIds(index, 'asc', (id) => {
    ids.push(id);
  });
  return ids;
};

describe('8x8 sorted index', () => {
  test('entries order by key as ids (numbers numerically), then by creation sequence', () => {
    expect(compareEntries(toEntry('9', 5, 'a'), toEntry('10', 1, 'b'))).toBeLessThan(0);
    expect(compareEntries(toEntry('b', 1, 'x'), toEntry('a', 9, 'y'))).toBeGreaterThan(0);
    expect(compareEntries(toEntry('idle', 2, 'x'), toEntry('idle', 10, 'y'))).toBeLessThan(0);
    expect(compareEntries(toEntry('a\u0000b', 1, 'x'), toEntry('a\u0000b', 1, 'x'))).toBe(0);
  });

  test('inserts, removals and pages agree with a sorted array, across bucket splits', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.constantFrom('', '1', '2', '10', 'active', 'idle', 'x\u0000y'),
            remove: fc.boolean(),
          }),
          { maxLength: 3 * BUCKET_SIZE },
        ),
        fc.nat({ max: 3 * BUCKET_SIZE }),
        fc.integer({ min: 1, max: 40 }),
        (ops, offset, limit) => {
          const index = createSortedIndex();
          const model: string[] = [];
          ops.forEach(({ key, remove }, seq) => {
            if (remove && model.length > 0) {
              const victim = model[(seq * 7) % model.length]!;
              expect(removeEntry(index, victim)).toBe(true);
              model.splice(model.indexOf(victim), 1);
            } else {
              const entry = toEntry(key, seq, `id${seq}`);
              insertEntry(index, entry);
              model.push(entry);
              model.sort(compareEntries);
            }
          });
          const ids = model.map((entry) => entry.slice(entry.lastIndexOf('\u0000') + 1));
          expect(index.size).toBe(model.length);
          expect(allIds(index)).toEqual(ids);
          const buckets = Object.values(index.buckets);
          expect(buckets.every((b) => b.length > 0 && b.length <= BUCKET_SIZE)).toBe(true);
          expect(Object.keys(index.buckets).sort()).toEqual([...index.order].sort());
          expect(sliceIds(index, offset, limit, 'asc')).toEqual(ids.slice(offset, offset + limit));
          const reversed = [...ids].reverse();
          expect(sliceIds(index, offset, limit, 'desc')).toEqual(reversed.slice(offset, offset + limit));
        },
      ),
      { numRuns: 60, seed: 8 },
    );
  });

  test('removing an entry the index does not hold changes nothing', () => {
    const index = createSortedIndex();
    insertEntry(index, toEntry('a', 1, 'x'));
    expect(removeEntry(index, toEntry('a', 2, 'x'))).toBe(false);
    expect(index.size).toBe(1);
  });

  test('an insert that splits a bucket logs the new bucket and the bucket keys, not the whole index', () => {
    const state = { idx: createSortedIndex() };
    for (let i = 0; i < 20_000; i++)
      insertEntry(state.idx, toEntry(`k${String(i * 2).padStart(6, '0')}`, i, `id${i}`));
    // Fill one bucket in the middle until it splits; every change is logged through a transaction.
    let logged = 0;
    let splits = 0;
    for (let j = 0; j < BUCKET_SIZE + 1; j++) {
      const before = state.idx.order.length;
      const tx = runTransaction(state, ['p'], (draft: typeof state) => {
        insertEntry(draft.idx, toEntry(`k020001`, 100_000 + j, `new${j}`));
      });
      logged = Math.max(logged, JSON.stringify(tx.ops).length);
      if (state.idx.order.length > before) splits++;
    }
    expect(splits).toBeGreaterThan(0);
    // The order holds about 20,000 / 32 short keys: one split logs them and one bucket, far below the index.
    expect(logged).toBeLessThan(20_000);
    expect(JSON.stringify(state.idx).length).toBeGreaterThan(500_000);
    expect(allIds(state.idx)).toHaveLength(20_000 + BUCKET_SIZE + 1);
  });
});
