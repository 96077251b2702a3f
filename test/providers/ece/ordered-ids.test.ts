import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  appendId,
  createOrderedIds,
  type OrderedIds,
  removeId,
  toPage,
} from '../../../src/providers/ece/model-ordered.ts';
import { expectTransactional, TRANSACTION_MODES } from '../../support/transactional.ts';

const init = () => {
  const state = { list: createOrderedIds() };
  for (let i = 0; i < 50; i++) appendId(state.list, `c${(i * 7) % 50}`, i);
  return state;
};

test.each(TRANSACTION_MODES)(
  'ordered ids in %s: a rollback puts the list back as it was, a commit changes it as on a plain list',
  (_name, derived) => {
    // Appends (of members or not: a member moves to the end) and removals, anywhere in the list.
    const step = fc.oneof(
      fc.nat(80).map((n) => ({ append: n })),
      fc.nat(80).map((n) => ({ remove: n })),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.boolean(), (steps, fail) => {
        const apply = (list: OrderedIds) =>
          steps.forEach((s, i) => {
            if ('append' in s) appendId(list, `c${s.append}`, 100 + i);
            else removeId(list, `c${s.remove}`);
          });
        const { state, expected } = expectTransactional(init, apply, { derived, fail });
        // The members read in order, as a listing pages them.
        expect(toPage(state.list, null, 200)).toEqual(toPage(expected.list, null, 200));
      }),
      { seed: 3, numRuns: 200 },
    );
  },
);
