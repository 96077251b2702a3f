import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BUCKET_SIZE,
  compareEntries,
  compareIds,
  createSortedIndex,
  insertEntry,
  PAGE_SIZE,
  PENDING_LIMIT,
  removeEntry,
  sliceIds,
  toEntry,
  walkIds,
} from '../../../src/providers/8x8/model-sorted-index.ts';
import { referenceIdOrder } from './helpers.ts';

const allIds = (index: ReturnType<typeof createSortedIndex>) => {
  const ids: string[] = [];
  walkIds(index, 'asc', (id) => {
    ids.push(id);
  });
  return ids;
};

/** Buckets and pages are non-empty and within their sizes, and they hold `size` entries with the pending ones. */
function expectWellFormed(index: ReturnType<typeof createSortedIndex>) {
  const buckets = index.pages.flat();
  expect(buckets.every((b) => b.length > 0 && b.length <= BUCKET_SIZE)).toBe(true);
  expect(index.pages.every((p) => p.length > 0 && p.length <= PAGE_SIZE)).toBe(true);
  expect(buckets.flat().length + (index.pending?.length ?? 0)).toBe(index.size);
}

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
          expectWellFormed(index);
          expect(sliceIds(index, offset, limit, 'asc')).toEqual(ids.slice(offset, offset + limit));
          const reversed = [...ids].reverse();
          expect(sliceIds(index, offset, limit, 'desc')).toEqual(reversed.slice(offset, offset + limit));
        },
      ),
      { numRuns: 60, seed: 8 },
    );
  });

  test('an insert that is not an append waits until a read, or PENDING_LIMIT of them, places it in order', () => {
    const index = createSortedIndex(true);
    insertEntry(index, 'm');
    insertEntry(index, 'z');
    insertEntry(index, 'b');
    insertEntry(index, 'q');
    expect(index.pending).toEqual(['b', 'q']);
    expect(index.size).toBe(4);
    // A rollback takes back what it inserted, pending or placed.
    expect(removeEntry(index, 'q')).toBe(true);
    expect(removeEntry(index, 'z')).toBe(true);
    expect(index.size).toBe(2);
    expect(sliceIds(index, 0, 10, 'asc')).toEqual(['b', 'm']);
    expect(index.pending).toBeUndefined();
    expectWellFormed(index);

    // Entries before the last one: each waits, and the limit-th places them all.
    const ids = Array.from(
      { length: PENDING_LIMIT },
      (_, i) => `a${String(PENDING_LIMIT - i).padStart(5, '0')}`,
    );
    for (const id of ids.slice(0, -1)) insertEntry(index, id);
    expect(index.pending).toHaveLength(PENDING_LIMIT - 1);
    insertEntry(index, ids.at(-1)!);
    expect(index.pending).toBeUndefined();
    expectWellFormed(index);
    expect(allIds(index)).toEqual([...[...ids].reverse(), 'b', 'm']);
  });

  test('pending entries are placed when every other entry was removed', () => {
    const index = createSortedIndex(true);
    insertEntry(index, 'm');
    insertEntry(index, 'c');
    insertEntry(index, 'a');
    expect(removeEntry(index, 'm')).toBe(true);
    expect(allIds(index)).toEqual(['a', 'c']);
    expectWellFormed(index);
  });

  test('removing an entry the index does not hold changes nothing', () => {
    const index = createSortedIndex();
    insertEntry(index, toEntry('a', 1, 'x'));
    expect(removeEntry(index, toEntry('a', 2, 'x'))).toBe(false);
    expect(index.size).toBe(1);
  });

  test('many inserts and removals in random order agree with a sorted array, across page splits', () => {
    const index = createSortedIndex();
    let model: string[] = [];
    let state = 8;
    const random = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    for (let seq = 0; seq < 12_000; seq++) {
      if (random() < 0.3 && model.length > 0) {
        const victim = model[Math.floor(random() * model.length)]!;
        expect(removeEntry(index, victim)).toBe(true);
        model = model.filter((entry) => entry !== victim);
      } else {
        const entry = toEntry(`k${Math.floor(random() * 1_000_000)}`, seq, `id${seq}`);
        insertEntry(index, entry);
        model.push(entry);
      }
    }
    model.sort(compareEntries);
    expect(index.pages.length).toBeGreaterThan(2);
    expectWellFormed(index);
    const ids = model.map((entry) => entry.slice(entry.lastIndexOf('\u0000') + 1));
    expect(allIds(index)).toEqual(ids);
    expect(sliceIds(index, 5_000, 7, 'desc')).toEqual([...ids].reverse().slice(5_000, 5_007));
  });
});

// The definition compareEntries implements in place: cut each entry into key and sequence, compare the keys as
// ids (numerically when both are digits), then the sequences.
function referenceOrder(a: string, b: string): number {
  const cut = (entry: string) => {
    const last = entry.lastIndexOf('\u0000');
    const middle = entry.lastIndexOf('\u0000', last - 1);
    return [entry.slice(0, middle), entry.slice(middle + 1, last)] as const;
  };
  const [ka, sa] = cut(a);
  const [kb, sb] = cut(b);
  return Math.sign(referenceIdOrder(ka, kb) || (sa < sb ? -1 : sa > sb ? 1 : 0));
}

test('compareEntries orders entries as their keys (as ids) and then their sequences', () => {
  const key = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.string({ unit: fc.constantFrom('0', '1', '9', '\u0000', 'a', 'é', '😀'), maxLength: 6 }),
    fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
    fc.nat({ max: 12 }).map((n) => '0'.repeat(n % 3) + String(n)),
  );
  const entry = fc
    .tuple(key, fc.nat({ max: 50 }), fc.string({ maxLength: 4 }))
    .map(([k, s, id]) => toEntry(k, s, id));
  fc.assert(
    fc.property(entry, entry, (a, b) => {
      expect(Math.sign(compareEntries(a, b))).toBe(referenceOrder(a, b));
    }),
    { numRuns: 5000 },
  );
});

test('8x8 ids and list keys compare in one total order: the empty key, then numbers by value, then the rest by characters', () => {
  // "20" < "100" (numbers by value) < "1a" (not a number): before, a number against a string compared by characters
  // ("1a" < "20"), which is no order.
  const sorted = ['1a', '100', '', '20', 'B', '020', 'a'].sort(compareIds);
  expect(sorted).toEqual(['', '20', '020', '100', '1a', 'B', 'a']);
  const id = fc.oneof(
    fc.constant(''),
    fc.bigInt({ min: 0n, max: 10n ** 400n }).map(String),
    fc.nat({ max: 30 }).map((n) => '0'.repeat(n % 3) + String(n)),
    fc.string({ unit: fc.constantFrom('0', '1', '9', 'a', 'Z', '\u0000', 'é'), maxLength: 5 }),
  );
  fc.assert(
    fc.property(id, id, id, (a, b, c) => {
      expect(Math.sign(compareIds(a, b))).toBe(referenceIdOrder(a, b));
      expect(Math.sign(compareIds(a, b))).toBe(-Math.sign(compareIds(b, a)) || 0);
      if (compareIds(a, b) <= 0 && compareIds(b, c) <= 0) expect(compareIds(a, c)).toBeLessThanOrEqual(0);
    }),
    { numRuns: 5000 },
  );
});
