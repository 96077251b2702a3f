import { expect } from 'vitest';
import { applyOps, runTransaction } from '../../src/state-tx.ts';

/** The two ways a kit structure is changed in a transaction, for `test.each`: its name, and `derived`. */
export const TRANSACTION_MODES = [
  ['derived state, changed behind the draft', true],
  ['logged state, changed through the draft', false],
] as const;

/**
 * Runs `apply` on the `list` of a fresh `init()` state in a transaction, as derived state (its changes made natively,
 * never logged) or as logged state (through the draft), then checks it. When the transaction throws (`fail`), the
 * state is deep-equal to what it was (the order of record keys, which no read depends on, may differ). When it
 * commits, the state is what `apply` makes of a plain copy; derived state logged nothing, and the log of logged
 * state replays to the same state. Answers the state and the copy (the one before, after a failure).
 */
export function expectTransactional<S extends { list: object }>(
  init: () => S,
  apply: (list: S['list']) => void,
  { derived, fail }: { derived: boolean; fail: boolean },
): { state: S; expected: S } {
  const state = init();
  const before = structuredClone(state);
  const run = () =>
    runTransaction(
      state,
      ['p'],
      (draft: S) => {
        apply(draft.list);
        if (fail) throw new Error('refused');
      },
      true,
      derived ? new Set(['list']) : undefined,
    );
  if (fail) {
    expect(run).toThrow('refused');
    expect(state).toEqual(before);
    return { state, expected: before };
  }
  const tx = run();
  const plain = init();
  apply(plain.list);
  expect(state).toEqual(plain);
  if (derived) expect(tx.ops).toEqual([]);
  else {
    const copy = { p: init() };
    applyOps(copy, JSON.parse(JSON.stringify(tx.ops)));
    expect(copy.p).toEqual(state);
  }
  return { state, expected: plain };
}
