// The 8x8 conversation index is derived state (issue 9): a file store neither logs nor snapshots it, and the
// provider rebuilds it at start from the conversations (`toConversationIndexes`). The rebuilt index must hold what
// the transitions keep. Its bucket layout may differ (the transitions split buckets where inserts landed and leave
// removals' gaps), which is not observable: every read goes through the entries in order (`sliceIds`,
// `sliceIdsAfter`, `walkIds`), the Gateway list pages by page number, v2 by page number, and the admin listing by
// conversation id: no answer, cursor or page token carries a bucket or page key. So the tests compare every read.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, expect, test } from 'vitest';
import type { Conversation, EightByEightState } from '../../../src/providers/8x8/model.ts';
import { toConversationIndexes } from '../../../src/providers/8x8/model-indexes.ts';
import {
  toConversationSummaries,
  toGatewayConversationPage,
} from '../../../src/providers/8x8/model-lists.ts';
import {
  compareIds,
  createSortedIndex,
  createSortedIndexFrom,
  insertEntry,
  removeEntry,
  sliceIds,
  sortIds,
  toEntry,
} from '../../../src/providers/8x8/model-sorted-index.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { copyStoreFiles, tempStorePath } from '../../support/store-file.ts';
import {
  createEightByEightSim,
  gatewayClient,
  getToken,
  HOOK_URL,
  setUpGatewayChannel,
  setUpV2Channel,
  toObservable,
  toReadings,
  v2Client,
} from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tempStore = () => tempStorePath(dirs, '8x8-derived');

const copyStore = (file: string) => copyStoreFiles(dirs, file);

/** The list answers of a state: the admin listing from every cursor, and every Gateway sort both ways. */
function toListings(state: EightByEightState) {
  const ids = [null, ...Object.keys(state.conversations)];
  const summaries = ids.map((after) => toConversationSummaries(state, { after, limit: 3 }));
  const gateway = ['id', 'createdAt', 'channelId', 'state'].flatMap((field) =>
    (['asc', 'desc'] as const).flatMap((direction) =>
      [0, 1, 2, 3].map((page) =>
        toGatewayConversationPage(
          state,
          { field, direction, filter: [], size: 7, page },
          (c: Conversation) => c.id,
        ),
      ),
    ),
  );
  return { summaries, gateway };
}

const stateOf = (sim: Simulator) => sim.control.state('8x8') as EightByEightState;

/** The state as a store reads it back, its index rebuilt from the conversations. */
function toRebuiltState(state: EightByEightState): EightByEightState {
  const { index: _dropped, ...records } = structuredClone(state);
  return { ...records, index: toConversationIndexes(records.conversations) };
}

type Op =
  | { kind: 'v2'; channel: number }
  | { kind: 'gateway'; channel: number }
  | { kind: 'act'; action: string; target: number; api?: 'gateway'; args?: Record<string, unknown> }
  | { kind: 'advance'; by: string }
  | { kind: 'queue' | 'channel' | 'postAgent' | 'handover' | 'v2Leave'; target: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('v2' as const), channel: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('gateway' as const), channel: fc.nat(2) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('act'),
      action: fc.constantFrom(
        'agent.join',
        'agent.leave',
        'customer.say',
        'customer.leave',
        'agent.transfer',
      ),
      target: fc.nat(),
      api: fc.constantFrom(undefined, 'gateway' as const),
      args: fc.constantFrom(undefined, { queueId: '200' }, { text: 'hi' }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance'), by: fc.constantFrom('1s', '2s', '21m', '2h') }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('queue', 'channel', 'postAgent', 'handover', 'handover', 'v2Leave'),
      target: fc.nat(),
    }),
  },
);

/**
 * Plays `ops` through the app (some refused: an agent who is not there cannot leave; refusals change nothing).
 * Channels: two per API, the second on queue 200; `retain` expires conversations ended for an hour.
 */
async function play(sim: Simulator, ops: readonly Op[]): Promise<void> {
  const v2 = v2Client(sim, await getToken(sim));
  const gw = gatewayClient(sim);
  const v2Channels = [await setUpV2Channel(v2), await setUpV2Channel(v2, '200')];
  const gwChannels = [await setUpGatewayChannel(gw), await setUpGatewayChannel(gw, '200')];
  const bot = (
    await gw('POST', '/webhooks', { name: 'bot', uri: `${HOOK_URL}/bot`, version: 'Chat Gateway v1.0' })
  ).json.id;
  const ids: { id: string; api: 'v2' | 'gateway' }[] = [];
  const pick = (target: number, api?: 'v2' | 'gateway') => {
    const among = api ? ids.filter((c) => c.api === api) : ids;
    return among.length === 0 ? undefined : among[target % among.length]!.id;
  };
  for (const op of ops) {
    if (op.kind === 'v2') {
      const customer = { customerId: `c${op.channel}`, userId: `u${ids.length % 3}` };
      const answer = await v2('POST', '/conversations', { channelId: v2Channels[op.channel % 2], customer });
      ids.push({ id: answer.json.conversationId, api: 'v2' });
    } else if (op.kind === 'gateway') {
      const answer = await gw('POST', '/conversations', { channelId: gwChannels[op.channel % 2], user: {} });
      ids.push({ id: answer.json.conversationId, api: 'gateway' });
    } else if (op.kind === 'advance') {
      await sim.control.advance(op.by);
    } else if (op.kind === 'act') {
      const id = pick(op.target, op.api);
      if (id === undefined) continue;
      const args =
        op.action === 'customer.say' ? { text: 'hi' } : op.action === 'agent.transfer' ? op.args : {};
      await sim.control
        .act({ provider: '8x8', conversationId: id, action: op.action, args })
        .catch(() => null);
    } else {
      const id = pick(op.target, op.kind === 'v2Leave' ? 'v2' : 'gateway');
      if (id === undefined) continue;
      if (op.kind === 'queue')
        await gw('PATCH', `/conversations/${id}`, { assignment: { type: 'queue', id: '200' } });
      if (op.kind === 'channel')
        await gw('PUT', `/conversations/${id}`, { channelId: gwChannels[1], user: {} });
      if (op.kind === 'postAgent' || op.kind === 'handover') {
        const configuration = { maxTotalMinutes: 20 + (op.target % 3) };
        await gw('POST', `/conversations/${id}/post-agent-assignment`, {
          type: 'webhook',
          id: bot,
          configuration,
        });
      }
      // A post-agent phase starts when the agent leaves.
      if (op.kind === 'handover')
        await sim.control
          .act({ provider: '8x8', conversationId: id, action: 'agent.leave' })
          .catch(() => null);
      if (op.kind === 'v2Leave') await v2('DELETE', `/conversations/${id}/participants/customer`);
    }
    await sim.control.idle();
  }
}

test('an index built in one pass from sorted entries is the one inserting them one by one builds', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 6_000 }), (n) => {
      const entries = Array.from({ length: n }, (_, i) => toEntry('', i + 1, `c${i}`));
      const inserted = createSortedIndex();
      for (const entry of entries) insertEntry(inserted, entry);
      expect(createSortedIndexFrom(entries)).toEqual(inserted);
    }),
    { numRuns: 12 },
  );
});

test('an index of ids built in one pass from sortIds is the one inserting them one by one builds', () => {
  // Numbers (compared by value, "1" before "01" by their characters) mixed with ids that are not all digits
  // (compared by characters), separators, accents, leading zeros and the empty id included.
  const idLists = fc.uniqueArray(
    fc.oneof(
      fc.stringMatching(/^[0-9]{1,3}$/),
      fc.stringMatching(/^[A-Za-z0-9]{0,6}$/),
      fc.string({ unit: fc.constantFrom('0', '1', 'a', 'Z', '\u0000', 'é'), minLength: 0, maxLength: 4 }),
    ),
    { maxLength: 120 },
  );
  fc.assert(
    fc.property(idLists, (ids) => {
      const inserted = createSortedIndex(true);
      for (const one of ids) insertEntry(inserted, one);
      const sorted = sortIds([...ids]);
      expect(sliceIds(inserted, 0, ids.length)).toEqual(sorted);
      expect(toReadings(createSortedIndexFrom(sorted, true))).toEqual(toReadings(inserted));
      for (let i = 1; i < sorted.length; i++)
        expect(compareIds(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
      // Ids equal as numbers are still told apart: each one is removed, and only it.
      for (const one of ids) expect(removeEntry(inserted, one)).toBe(true);
      expect(inserted.size).toBe(0);
    }),
    { numRuns: 300 },
  );
});

/** Enough conversations for buckets to split (32 entries each), on every channel, most of them accepted. */
const manyConversations = (n: number): Op[] => [
  ...Array.from(
    { length: n },
    (_, i): Op => (i % 2 === 0 ? { kind: 'v2', channel: i % 3 } : { kind: 'gateway', channel: i % 3 }),
  ),
  { kind: 'advance', by: '2s' },
];

test('the index rebuilt from the records answers every read as the one the transitions kept, after any mix of changes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 120 }),
      fc.array(opArb, { minLength: 10, maxLength: 60 }),
      async (n, ops) => {
        const { sim } = await createEightByEightSim({ retain: '1h' });
        // Post-agent phases last 20 minutes: two more at the end, so that some are running when the indexes are compared.
        const tail: Op[] = [
          { kind: 'handover', target: n },
          { kind: 'handover', target: ops.length },
        ];
        await play(sim, [...manyConversations(n), ...ops, ...tail]);
        const live = stateOf(sim);
        const rebuilt = toRebuiltState(live);
        expect(toObservable(rebuilt.index)).toEqual(toObservable(live.index));
        expect(toListings(rebuilt)).toEqual(toListings(live));
        await sim.close();
      },
    ),
    { numRuns: 25 },
  );
}, 300_000);

test('an index rebuilt after creates only is the same object as the live one', async () => {
  const { sim } = await createEightByEightSim();
  await play(sim, [
    ...Array.from({ length: 70 }, (_, i) => ({ kind: 'v2' as const, channel: i })),
    ...Array.from({ length: 70 }, () => ({ kind: 'gateway' as const, channel: 0 })),
  ]);
  const live = stateOf(sim);
  // Only the Gateway id index saw inserts in the middle (random ids): its layout is the one thing that differs.
  const { gateway: liveGateway, ...liveRest } = live.index;
  const { gateway: builtGateway, ...builtRest } = toRebuiltState(live).index;
  expect(builtRest).toEqual(liveRest);
  expect({ ...builtGateway, id: null }).toEqual({ ...liveGateway, id: null });
});

/** What the tests compare before and after a restart: the lists of both APIs and the admin listing. */
async function toAnswers(sim: Simulator, token: string) {
  const v2 = v2Client(sim, token);
  const gw = gatewayClient(sim);
  const answers: unknown[] = [];
  const v2Queries = [
    'order=asc',
    'status=pending',
    'status=handling',
    'userId=u1',
    'channel-id=1&order=desc',
  ];
  for (const query of v2Queries)
    for (const page of [0, 1])
      answers.push((await v2('GET', `/conversations?${query}&size=4&page=${page}`)).json);
  for (const sort of ['id', 'createdAt:desc', 'channelId', 'state:desc'])
    for (const page of [0, 1, 2])
      answers.push((await gw('GET', `/conversations?sort=${sort}&size=5&page=${page}`)).json);
  answers.push((await gw('GET', '/conversations?filter=state==active&size=50')).json);
  let after: string | undefined;
  for (;;) {
    const page = sim.control.conversations({
      provider: '8x8',
      limit: 4,
      ...(after ? { after: `8x8:${after}` } : {}),
    });
    answers.push(page);
    if (page.length < 4) break;
    after = page.at(-1)!.id;
  }
  return answers;
}

const walText = (file: string) =>
  readdirSync(path.dirname(file))
    .filter((name) => name.includes('.wal.'))
    .map((name) => readFileSync(path.join(path.dirname(file), name), 'utf8'))
    .join('');

test('a file store logs no index operation, and reopening it (closed or killed) rebuilds the index: same index, same answers, auto-accept armed again', async () => {
  const file = tempStore();
  const first = await createEightByEightSim({ store: file });
  const ops: Op[] = [
    ...Array.from(
      { length: 24 },
      (_, i): Op => (i % 3 === 0 ? { kind: 'v2', channel: i } : { kind: 'gateway', channel: i }),
    ),
    { kind: 'advance', by: '2s' },
    { kind: 'act', action: 'agent.leave', target: 1 },
    { kind: 'act', action: 'agent.leave', target: 4 },
    { kind: 'act', action: 'customer.say', target: 4 },
    { kind: 'channel', target: 3 },
    { kind: 'queue', target: 5 },
    { kind: 'postAgent', target: 7 },
    { kind: 'act', action: 'agent.leave', target: 7, api: 'gateway' },
    { kind: 'act', action: 'agent.leave', target: 11 },
    { kind: 'v2Leave', target: 2 },
    { kind: 'act', action: 'customer.leave', target: 9 },
    { kind: 'gateway', channel: 0 },
    { kind: 'v2', channel: 1 },
    { kind: 'act', action: 'agent.transfer', target: 13, args: { queueId: '200' } },
  ];
  await play(first.sim, ops);
  const token = await getToken(first.sim);
  const live = stateOf(first.sim);
  expect(Object.keys(live.index.queued).length).toBeGreaterThan(0);
  expect(Object.keys(live.index.handovers)).toHaveLength(1);
  const answers = await toAnswers(first.sim, token);
  const killed = copyStore(file);
  expect(walText(file)).toContain('"conversations"');
  expect(walText(file)).not.toContain('"index"');
  await first.sim.close();
  expect(JSON.parse(readFileSync(file, 'utf8')).providers['8x8'].index).toBeUndefined();

  for (const store of [file, killed]) {
    const again = await createEightByEightSim({ store });
    const state = stateOf(again.sim);
    expect(toObservable(state.index)).toEqual(toObservable(live.index));
    expect(await toAnswers(again.sim, token)).toEqual(answers);
    // The queued interactions are accepted after the auto-accept delay, as before the restart.
    await again.sim.control.advance('2s');
    await again.sim.control.idle();
    const queued = Object.keys(state.index.queued);
    const after = stateOf(again.sim);
    for (const id of queued) expect(after.conversations[id]!.interactions.at(-1)!.agentId).not.toBeNull();
    expect(Object.keys(after.index.queued)).toEqual([]);
    await again.sim.close();
  }
});
