import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Conversation, EightByEightState } from '../../../src/providers/8x8/model.ts';
import {
  changeConversation,
  createConversationIndexes,
  indexConversation,
  unindexConversation,
} from '../../../src/providers/8x8/model-indexes.ts';
import { runTransaction } from '../../../src/state-tx.ts';
import { toObservable } from './helpers.ts';

/** A conversation as the transitions store it: queued in queue 100 of `channelId`, no agent yet. */
function makeConversation(api: 'v2' | 'gateway', seq: number, channelId: string): Conversation {
  return {
    id: `${api}-${seq}`,
    api,
    channelId,
    createdAt: seq,
    customer: api === 'v2' ? { customerId: `c${seq % 3}` } : {},
    user: {},
    assignment: { type: 'queue', id: '100' },
    userParticipantId: `u${seq}`,
    language: 'en',
    lastQueueId: '100',
    customerLeft: false,
    heldAgentId: null,
    botJoined: false,
    agentIds: [],
    interactions: [{ id: `i${seq}`, queueId: '100', agentId: null, startTime: seq, endTime: null }],
    messages: [],
    attachmentIds: [],
    seq,
  } as Conversation;
}

type State = Pick<EightByEightState, 'conversations' | 'index'>;

/** What every read of the indexes answers now (copied: a transaction changes the indexes in place). */
const toReadings = (state: State) => structuredClone(toObservable(state.index));

function makeState(count: number): State {
  const state: State = { conversations: {}, index: createConversationIndexes() };
  for (let seq = 1; seq <= count; seq++) {
    const conversation = makeConversation(seq % 2 ? 'v2' : 'gateway', seq, `ch${seq % 3}`);
    state.conversations[conversation.id] = conversation;
    indexConversation(state as EightByEightState, conversation);
  }
  return state;
}

describe('8x8 conversation indexes in a transaction', () => {
  test('the indexes are derived state: indexing where changes are logged is refused, and changes nothing', () => {
    const state = makeState(3);
    const before = toReadings(state);
    const added = makeConversation('gateway', 4, 'ch0');
    const recipe = (draft: State) => {
      draft.conversations[added.id] = added;
      indexConversation(draft as EightByEightState, draft.conversations[added.id]!);
    };
    expect(() => runTransaction(state, ['p'], recipe)).toThrow('derived state');
    expect(toReadings(state)).toEqual(before);
    expect(state.conversations[added.id]).toBeUndefined();
    // Under a derived (unlogged) key the same change is made, and only the record is logged.
    const tx = runTransaction(state, ['p'], recipe, true, new Set(['index']));
    expect(tx.ops.map(([path]) => path.join('/'))).toEqual([`p/conversations/${added.id}`]);
    expect(toReadings(state).gateway.id!.walked).toContain(added.id);
  });

  const change = fc.record({
    kind: fc.constantFrom('add', 'remove', 'join', 'channel'),
    target: fc.nat(),
  });

  test.each([
    ['derived state of a logged store', true],
    ['a store that logs nothing (memory)', false],
  ])(
    'a transaction that throws after changing the indexes in %s leaves them as they were',
    (_name, logged) => {
      fc.assert(
        fc.property(fc.array(change, { minLength: 1, maxLength: 40 }), (changes) => {
          const state = makeState(120);
          const before = toReadings(state);
          const recipe = (draft: State) => {
            const d = draft as EightByEightState;
            let seq = 1_000;
            for (const { kind, target } of changes) {
              const ids = Object.keys(draft.conversations);
              const id = ids[target % ids.length];
              if (kind === 'add' || id === undefined) {
                seq += 1;
                const added = makeConversation(seq % 2 ? 'v2' : 'gateway', seq, `ch${target % 4}`);
                draft.conversations[added.id] = added;
                indexConversation(d, draft.conversations[added.id]!);
              } else if (kind === 'remove') {
                unindexConversation(d, draft.conversations[id]!);
                delete draft.conversations[id];
              } else if (kind === 'join') {
                changeConversation(d, id, (c) => {
                  const open = c.interactions.at(-1)!;
                  open.agentId = open.agentId ? null : 'agent-ana';
                });
              } else {
                changeConversation(d, id, (c) => {
                  c.channelId = `ch${target % 5}`;
                });
              }
            }
            throw new Error('refused');
          };
          expect(() =>
            runTransaction(state, ['p'], recipe, logged, logged ? new Set(['index']) : undefined),
          ).toThrow('refused');
          expect(toReadings(state)).toEqual(before);
        }),
        { seed: 11, numRuns: 60 },
      );
    },
  );
});
