import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  appendPagedId,
  createPagedIds,
  createPagedIdsOf,
  newestPagedIds,
  PAGED_BUCKET_SIZE,
  removePagedId,
  slicePagedIds,
  slicePagedIdsAfter,
  storedIds,
} from '../../src/provider/index.ts';
import { runTransaction } from '../../src/state-tx.ts';
import { expectTransactional, TRANSACTION_MODES } from '../support/transactional.ts';

test('paged ids read like the plain list they stand for, after any appends and removals (property)', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.nat(2_000).map((n) => ({ add: n })),
          fc.nat(2_000).map((n) => ({ remove: n })),
        ),
        {
          maxLength: 1_500,
        },
      ),
      fc.nat(700),
      fc.integer({ min: 1, max: 300 }),
      (steps, offset, limit) => {
        const list = createPagedIds();
        const plain: string[] = [];
        for (const step of steps) {
          if ('add' in step) {
            const id = `i${step.add}`;
            appendPagedId(list, id);
            if (!plain.includes(id)) plain.push(id);
          } else {
            const id = `i${step.remove}`;
            expect(removePagedId(list, id)).toBe(plain.includes(id));
            if (plain.includes(id)) plain.splice(plain.indexOf(id), 1);
          }
        }
        expect(list.size).toBe(plain.length);
        expect(slicePagedIds(list, offset, limit)).toEqual(plain.slice(offset, offset + limit));
        expect([...newestPagedIds(list, limit)]).toEqual([...plain].reverse().slice(0, limit));
        const after = plain[offset] ?? null;
        expect(slicePagedIdsAfter(list, after, limit)).toEqual(
          after === null ? plain.slice(0, limit) : plain.slice(offset + 1, offset + 1 + limit),
        );
      },
    ),
    { seed: 11, numRuns: 150 },
  );
});

test('removing ids leaves whole buckets only: an emptied bucket is dropped', () => {
  const list = createPagedIds();
  for (let i = 0; i < PAGED_BUCKET_SIZE * 3; i++) appendPagedId(list, `i${i}`);
  for (let i = 0; i < PAGED_BUCKET_SIZE; i++) removePagedId(list, `i${PAGED_BUCKET_SIZE + i}`);
  expect(list.order).toHaveLength(2);
  expect(Object.keys(list.buckets)).toHaveLength(2);
  expect(slicePagedIds(list, PAGED_BUCKET_SIZE - 1, 2)).toEqual([
    `i${PAGED_BUCKET_SIZE - 1}`,
    `i${PAGED_BUCKET_SIZE * 2}`,
  ]);
});

test('dropping an emptied bucket logs the short list of bucket numbers, not the buckets', () => {
  const state = { list: createPagedIds() };
  for (let i = 0; i < PAGED_BUCKET_SIZE * 400; i++) appendPagedId(state.list, `id-${i}`);
  let largest = 0;
  for (let i = 0; i < PAGED_BUCKET_SIZE; i++) {
    const tx = runTransaction(state, ['p'], (draft: typeof state) => {
      removePagedId(draft.list, `id-${PAGED_BUCKET_SIZE * 200 + i}`);
    });
    largest = Math.max(largest, JSON.stringify(tx.ops).length);
  }
  expect(state.list.order).toHaveLength(399);
  // 400 bucket numbers; the buckets hold about 1.3 MB of ids.
  expect(largest).toBeLessThan(4_000);
  expect(JSON.stringify(state.list.buckets).length).toBeGreaterThan(1_000_000);
});

test('ids stored in the shapes of earlier versions are read back in order', () => {
  expect(storedIds(createPagedIdsOf(['a', 'b']))).toBeNull();
  expect(storedIds([3, 1, 2])).toEqual(['3', '1', '2']);
  expect(
    storedIds({
      size: 2,
      next: 4,
      slots: {},
      buckets: [
        { from: 0, live: 1, ids: [null, 'x'] },
        { from: 2, live: 1, ids: ['y', null] },
      ],
    }),
  ).toEqual(['x', 'y']);
});

test.each(TRANSACTION_MODES)(
  'in %s, a rollback puts the list back exactly as it was, and a commit changes it as on a plain list',
  (_name, derived) => {
    // Removals take runs of the initial order, so that whole buckets empty (and are dropped) in the middle.
    const step = fc.oneof(
      fc.nat(600).map((n) => ({ add: n })),
      fc.record({ remove: fc.nat(600), run: fc.integer({ min: 1, max: 300 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), (steps, fail) => {
        const init = () => ({
          list: createPagedIdsOf(Array.from({ length: 600 }, (_, i) => `i${(i * 7) % 600}`)),
        });
        const apply = (list: ReturnType<typeof createPagedIds>) => {
          for (const s of steps) {
            if ('add' in s) appendPagedId(list, `i${s.add + 300}`);
            else for (let p = s.remove; p < s.remove + s.run; p++) removePagedId(list, `i${(p * 7) % 600}`);
          }
        };
        expectTransactional(init, apply, { derived, fail });
      }),
      { seed: 5, numRuns: 150 },
    );
  },
);
