import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  appendPagedId,
  createPagedIds,
  newestPagedIds,
  PAGED_BUCKET_SIZE,
  removePagedId,
  slicePagedIds,
  slicePagedIdsAfter,
} from '../../src/provider/index.ts';

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
  expect(list.buckets).toHaveLength(2);
  expect(slicePagedIds(list, PAGED_BUCKET_SIZE - 1, 2)).toEqual([
    `i${PAGED_BUCKET_SIZE - 1}`,
    `i${PAGED_BUCKET_SIZE * 2}`,
  ]);
});
