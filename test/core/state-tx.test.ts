import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { applyOps, onRollback, raw, runTransaction, writeBehind } from '../../src/state-tx.ts';

type Doc = { providers: { p: Record<string, unknown> } };
const fresh = (): Doc => ({
  providers: {
    p: {
      conversations: { c1: { id: 'c1', messages: [{ text: 'a' }], status: 'open' } },
      queue: ['c1', 'c2', 'c3'],
      counters: { next: 3 },
    },
  },
});
// biome-ignore lint/suspicious/noExplicitAny: drafts are untyped in these tests.
type Draft = any;
const replay = (recipe: (d: Draft) => unknown) => {
  const live = fresh();
  const copy = fresh();
  const tx = runTransaction(live.providers.p, ['providers', 'p'], recipe);
  applyOps(copy as unknown as Record<string, unknown>, JSON.parse(JSON.stringify(tx.ops)));
  return { live, copy, tx };
};

describe('state transactions', () => {
  test('a change is applied in place and its log replays to the same state', () => {
    const { live, copy } = replay((d) => {
      d.conversations.c2 = { id: 'c2', messages: [], status: 'open' };
      d.conversations.c1.messages.push({ text: 'b' });
      d.conversations.c1.status = 'closed';
      d.queue.shift();
      d.queue.sort().reverse();
      d.counters.next++;
      delete d.conversations.c2.status;
    });
    expect(live.providers.p.conversations).toMatchObject({ c1: { status: 'closed' }, c2: { id: 'c2' } });
    expect(copy).toEqual(live);
  });

  test('a recipe that throws leaves the state as it was', () => {
    const live = fresh();
    const before = JSON.stringify(live);
    expect(() =>
      runTransaction(live.providers.p, ['providers', 'p'], (d: Draft) => {
        d.conversations.c1.messages.push({ text: 'b' });
        d.queue.splice(0, 2, 'x');
        d.conversations.c9 = { id: 'c9' };
        delete d.counters.next;
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(JSON.stringify(live)).toBe(before);
  });

  test('rollback after a commit puts the state back', () => {
    const live = fresh();
    const before = JSON.stringify(live);
    const tx = runTransaction(live.providers.p, ['providers', 'p'], (d: Draft) => {
      d.conversations.c1.status = 'x';
      d.queue.push('c4');
    });
    tx.rollback();
    expect(JSON.stringify(live)).toBe(before);
  });

  test('__proto__ is stored as an own key and never changes a prototype', () => {
    const { live, copy } = replay((d) => {
      const key = '__proto__';
      d.conversations[key] = { id: key };
    });
    expect(Object.hasOwn(live.providers.p.conversations as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(live.providers.p.conversations)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(live));
  });

  test('an object moved elsewhere is logged at its new place', () => {
    const { live, copy } = replay((d) => {
      const moved = d.conversations.c1;
      delete d.conversations.c1;
      d.conversations.archived = moved;
      moved.status = 'archived';
    });
    expect(live.providers.p.conversations).toEqual({
      archived: { id: 'c1', messages: [{ text: 'a' }], status: 'archived' },
    });
    expect(copy).toEqual(live);
  });

  test('an object copied to a second place does not alias the first', () => {
    const { live, copy } = replay((d) => {
      d.conversations.c2 = d.conversations.c1;
      d.conversations.c2.status = 'copy';
    });
    const conversations = live.providers.p.conversations as Record<string, { status: string }>;
    expect(conversations.c1?.status).toBe('open');
    expect(conversations.c2?.status).toBe('copy');
    expect(copy).toEqual(live);
  });

  test('a new object holding a draft and fresh children is stored plain; changes to its children are logged at their place', () => {
    const { live, copy } = replay((d) => {
      d.conversations.c2 = { id: 'c2', first: d.conversations.c1.messages[0], meta: { tags: ['x'] } };
      d.conversations.c2.meta.tags.push('y');
      d.conversations.c2.first.text = 'changed copy';
      d.conversations.c2.meta = { tags: ['z'], inner: { n: 1 } };
      d.conversations.c2.meta.inner.n = 2;
    });
    const conversations = live.providers.p.conversations as Record<string, unknown>;
    expect(conversations.c2).toEqual({
      id: 'c2',
      first: { text: 'changed copy' },
      meta: { tags: ['z'], inner: { n: 2 } },
    });
    expect(conversations.c1).toEqual({ id: 'c1', messages: [{ text: 'a' }], status: 'open' });
    expect(copy).toEqual(live);
  });

  test('a value nested past the depth limit (a cycle) is refused and the state is left as it was', () => {
    const live = fresh();
    const before = JSON.stringify(live);
    const cyclic: Record<string, unknown> = { id: 'c9' };
    cyclic.self = cyclic;
    expect(() =>
      runTransaction(live.providers.p, ['providers', 'p'], (d: Draft) => {
        d.counters.next = 4;
        d.conversations.c9 = cyclic;
      }),
    ).toThrow(/nests deeper than/);
    expect(JSON.stringify(live)).toBe(before);
  });

  test('the result is returned as a plain value', () => {
    const live = fresh();
    const { result } = runTransaction(live.providers.p, ['providers', 'p'], (d: Draft) => d.conversations.c1);
    expect(result).toBe((live.providers.p.conversations as Record<string, unknown>).c1);
  });

  test('random changes replay to the same state (property)', () => {
    const action = fc.oneof(
      fc.record({
        op: fc.constant('set' as const),
        key: fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor'),
        value: fc.jsonValue(),
      }),
      fc.record({ op: fc.constant('del' as const), key: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ op: fc.constant('push' as const), value: fc.jsonValue() }),
      fc.record({ op: fc.constant('shift' as const) }),
      fc.record({ op: fc.constant('splice' as const), at: fc.nat(5), n: fc.nat(3) }),
      fc.record({ op: fc.constant('nested' as const), key: fc.constantFrom('a', 'b'), value: fc.integer() }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 30 }), (actions) => {
        const init = () => ({
          providers: { p: { obj: {} as Record<string, unknown>, list: [1, 2, 3] as unknown[] } },
        });
        const live = init();
        const copy = init();
        const tx = runTransaction(live.providers.p, ['providers', 'p'], (d: Draft) => {
          for (const a of actions) {
            if (a.op === 'set') d.obj[a.key] = a.value;
            else if (a.op === 'del') delete d.obj[a.key];
            else if (a.op === 'push') d.list.push(a.value);
            else if (a.op === 'shift') d.list.shift();
            else if (a.op === 'splice') d.list.splice(a.at, a.n, 'x');
            else {
              d.obj[a.key] = { inner: { v: 0 } };
              d.obj[a.key].inner.v = a.value;
            }
          }
        });
        applyOps(copy as unknown as Record<string, unknown>, JSON.parse(JSON.stringify(tx.ops)));
        expect(JSON.stringify(copy)).toBe(JSON.stringify(live));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  test('a splice is one logged operation, and later changes to moved elements are logged at their new place', () => {
    const init = () => ({
      providers: { p: { buckets: [[{ n: 1 }], [{ n: 2 }], [{ n: 3 }]] as { n: number }[][] } },
    });
    const live = init();
    const copy = init();
    const tx = runTransaction(live.providers.p, ['providers', 'p'], (d: Draft) => {
      const third = d.buckets[2];
      d.buckets.splice(1, 0, [{ n: 9 }]);
      third[0].n = 30;
      d.buckets[1][0].n = 90;
      d.buckets.sort((a: { n: number }[], b: { n: number }[]) => b[0]!.n - a[0]!.n);
      d.buckets[0].push({ n: 31 });
    });
    expect(live.providers.p.buckets.map((b) => b.map((e) => e.n))).toEqual([[90, 31], [30], [2], [1]]);
    expect(tx.ops.filter((op) => op[0].join('/') === 'providers/p/buckets')).toHaveLength(2);
    applyOps(copy as unknown as Record<string, unknown>, JSON.parse(JSON.stringify(tx.ops)));
    expect(copy).toEqual(live);
  });

  test('a recipe that throws after a splice leaves the array as it was', () => {
    const live = fresh();
    const before = structuredClone(live);
    expect(() =>
      runTransaction(live.providers.p, ['providers', 'p'], (d: Draft) => {
        d.queue.splice(1, 1, 'x', 'y');
        d.queue.reverse();
        d.queue.unshift('first');
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(live).toEqual(before);
  });

  test('random moves of nested elements replay to the same state and roll back to the old one (property)', () => {
    const action = fc.oneof(
      fc.record({ op: fc.constant('splice' as const), at: fc.nat(4), n: fc.nat(2), v: fc.integer() }),
      fc.record({ op: fc.constant('shift' as const) }),
      fc.record({ op: fc.constant('unshift' as const), v: fc.integer() }),
      fc.record({ op: fc.constant('reverse' as const) }),
      fc.record({ op: fc.constant('sort' as const) }),
      fc.record({ op: fc.constant('touch' as const), at: fc.nat(4), v: fc.integer() }),
      fc.record({ op: fc.constant('push' as const), at: fc.nat(4), v: fc.integer() }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 25 }), fc.boolean(), (actions, fail) => {
        const init = () => ({
          providers: {
            p: {
              rows: [
                { v: 1, tags: [1] },
                { v: 2, tags: [] as number[] },
              ],
            },
          },
        });
        const live = init();
        const copy = init();
        const recipe = (d: Draft) => {
          const held = d.rows[0];
          for (const a of actions) {
            if (a.op === 'splice') d.rows.splice(a.at, a.n, { v: a.v, tags: [] });
            else if (a.op === 'shift') d.rows.shift();
            else if (a.op === 'unshift') d.rows.unshift({ v: a.v, tags: [a.v] });
            else if (a.op === 'reverse') d.rows.reverse();
            else if (a.op === 'sort') d.rows.sort((x: { v: number }, y: { v: number }) => x.v - y.v);
            else if (a.op === 'touch' && d.rows[a.at]) d.rows[a.at].v = a.v;
            else if (a.op === 'push' && d.rows[a.at]) d.rows[a.at].tags.push(a.v);
          }
          if (held) held.tags.push(-1);
          if (fail) throw new Error('rolled back');
        };
        if (fail) {
          expect(() => runTransaction(live.providers.p, ['providers', 'p'], recipe)).toThrow('rolled back');
          expect(JSON.stringify(live)).toBe(JSON.stringify(init()));
          return;
        }
        const tx = runTransaction(live.providers.p, ['providers', 'p'], recipe);
        applyOps(copy as unknown as Record<string, unknown>, JSON.parse(JSON.stringify(tx.ops)));
        expect(JSON.stringify(copy)).toBe(JSON.stringify(live));
      }),
      { seed: 7, numRuns: 400 },
    );
  });

  test('raw gives the object behind a draft, holding every change made so far, and leaves other values alone', () => {
    const live = fresh();
    runTransaction(live.providers.p, ['providers', 'p'], (d: Draft) => {
      d.queue.push('c4');
      const behind = raw(d.queue);
      expect(behind).toBe(live.providers.p.queue);
      expect(behind).toEqual(['c1', 'c2', 'c3', 'c4']);
      expect(raw(d)).toBe(live.providers.p);
    });
    const plain = { a: 1 };
    expect(raw(plain)).toBe(plain);
    expect(raw(3)).toBe(3);
    expect(raw(null)).toBe(null);
  });
});

test('onRollback runs its undo when the transaction rolls back (a throw, or its rollback after commit), in its place among the others', () => {
  const live = fresh();
  const seen: string[] = [];
  expect(() =>
    runTransaction(live.providers.p, ['providers', 'p'], (d: Draft) => {
      d.queue.push('c4');
      onRollback(d, () => seen.push(`undo with queue ${raw(d.queue).join(',')}`));
      d.queue.push('c5');
      throw new Error('refused');
    }),
  ).toThrow('refused');
  // Undone newest first: c5 is gone when the registered undo runs, c4 not yet.
  expect(seen).toEqual(['undo with queue c1,c2,c3,c4']);
  expect(live.providers.p.queue).toEqual(['c1', 'c2', 'c3']);
  const tx = runTransaction(live.providers.p, ['providers', 'p'], (d: Draft) => {
    onRollback(d, () => seen.push('never'));
  });
  expect(tx.ops).toEqual([]);
  expect(seen).toHaveLength(1);
  tx.rollback();
  expect(seen).toEqual(['undo with queue c1,c2,c3,c4', 'never']);
  onRollback({ plain: true }, () => seen.push('no draft'));
  expect(seen).toHaveLength(2);
});

test('writeBehind: derived state is written natively with an undo each, logged state through its draft', () => {
  const init = () => ({
    index: { a: { n: 1 } as Record<string, unknown> },
    records: { r: 1 } as Record<string, unknown>,
  });
  const state = init();
  // Derived: the view is the plain object, nothing is logged, a throw undoes every write.
  expect(() =>
    runTransaction(
      state,
      ['p'],
      (d: Draft) => {
        const { view, write } = writeBehind(d.index);
        expect(view).toBe(state.index);
        write.set(view, 'b', { n: 2 });
        write.set(view.a, 'n', 3);
        write.remove(view, 'a');
        d.records.r = 2;
        throw new Error('refused');
      },
      true,
      new Set(['index']),
    ),
  ).toThrow('refused');
  expect(state).toEqual(init());
  const derived = runTransaction(
    state,
    ['p'],
    (d: Draft) => {
      const { view, write } = writeBehind(d.index);
      write.set(view, 'b', { n: 2 });
      write.remove(view, 'a');
    },
    true,
    new Set(['index']),
  );
  expect(derived.ops).toEqual([]);
  expect(state.index).toEqual({ b: { n: 2 } });
  // Logged: the view is the draft itself, and its writes are logged operations that replay.
  const logged = runTransaction(state, ['p'], (d: Draft) => {
    const { view, write } = writeBehind(d.records);
    expect(view).toBe(d.records);
    write.set(view, 's', 5);
    write.remove(view, 'r');
  });
  expect(logged.ops).toEqual([[['p', 'records', 's'], 5], [['p', 'records', 'r']]]);
  const plain = { x: 1 };
  expect(writeBehind(plain).view).toBe(plain);
});
