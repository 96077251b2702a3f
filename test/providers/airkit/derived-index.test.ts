// Issue 9: Airkit's index is derived state. A file store never writes it; at start it is rebuilt from the records
// (`createIndex`), and must equal what the transitions kept live.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { slicePagedIds } from '../../../src/provider/index.ts';
import type { AirkitRecordState, AirkitState } from '../../../src/providers/airkit/model.ts';
import { createIndex } from '../../../src/providers/airkit/model-records.ts';
import type { Simulator } from '../../../src/simulator.ts';
import {
  ANSWERED_HOOKS,
  call,
  createAirkitSim,
  type Json,
  SECOND_RESOURCE_FIXTURES,
  toObservable,
} from './helpers.ts';

const BASE = '/airkit/v1/conversations';
const hooks = ANSWERED_HOOKS;
const fixtures = SECOND_RESOURCE_FIXTURES;

/** The state's records as a store reads them back: a JSON copy without the derived key. */
function toStoredRecords(sim: Simulator): AirkitRecordState {
  const { index: _index, ...records } = JSON.parse(
    JSON.stringify(sim.control.state('airkit')),
  ) as AirkitState;
  return records;
}

type Step =
  | { kind: 'start'; resource: 'hub-default' | 'res-b'; managed: boolean }
  | { kind: 'say'; who: 'third-party' | 'customer'; at: number }
  | { kind: 'end'; who: 'third-party' | 'customer'; at: number }
  | { kind: 'advance'; seconds: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      resource: fc.constantFrom('hub-default' as const, 'res-b' as const),
      managed: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('say' as const),
      who: fc.constantFrom('third-party' as const, 'customer' as const),
      at: fc.nat(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('end' as const),
      who: fc.constantFrom('third-party' as const, 'customer' as const),
      at: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 90 }) }),
  },
);

/** Plays `steps` through the app; with `retain`, ended conversations expire as the clock advances. */
async function play(sim: Simulator, steps: Step[]): Promise<string[]> {
  const started: string[] = [];
  for (const step of steps) {
    const id = 'at' in step && started.length > 0 ? started[step.at % started.length]! : null;
    if (step.kind === 'start') {
      const res = await call(sim, 'POST', BASE, {
        conversationHubChannelResource: step.resource,
        customerDestination:
          step.resource === 'res-b' ? { type: 'Phone', value: '+15550100' } : { type: 'Text', value: 's-1' },
        managedByThirdPartySystem: step.managed,
      });
      expect(res.status).toBe(201);
      started.push(res.json.id);
    } else if (step.kind === 'advance') {
      await sim.control.advance(`${step.seconds}s`);
      // Expiry is swept after the next provider request.
      await call(sim, 'GET', `${BASE}?pageSize=1`);
      await sim.control.idle();
    } else if (id && step.kind === 'say') {
      if (step.who === 'third-party') await call(sim, 'POST', `${BASE}/${id}/messages`, { text: 'hello' });
      else
        await sim.control
          .act({ provider: 'airkit', conversationId: id, action: 'customer.say', args: { text: 'hi' } })
          .catch(() => {});
    } else if (id && step.kind === 'end') {
      if (step.who === 'third-party') await call(sim, 'POST', `${BASE}/${id}/end`);
      else
        await sim.control
          .act({ provider: 'airkit', conversationId: id, action: 'customer.leave', args: {} })
          .catch(() => {});
    }
  }
  await sim.control.idle();
  return started;
}

test('the Airkit index rebuilt from the records shows what the live index shows, after any sequence of starts, messages, ends and expiries', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 60 }), async (steps) => {
      const sim = await createAirkitSim({
        retain: '1m',
        fixtures,
        providerOptions: { airkit: { allowCustomerFirst: true } },
        ...hooks,
      });
      await play(sim, steps);
      const live = (sim.control.state('airkit') as AirkitState).index;
      expect(toObservable(createIndex(toStoredRecords(sim)))).toEqual(toObservable(live));
      await sim.close();
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
  );
}, 120_000);

test('without expiries the Airkit index rebuilt from the records deep-equals the live one, slot numbers and buckets included', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        stepArb.filter((s) => s.kind !== 'advance'),
        { minLength: 1, maxLength: 40 },
      ),
      async (steps) => {
        const sim = await createAirkitSim({ fixtures, ...hooks });
        await play(sim, steps);
        const live = (sim.control.state('airkit') as AirkitState).index;
        expect(createIndex(toStoredRecords(sim))).toStrictEqual(JSON.parse(JSON.stringify(live)));
        await sim.close();
      },
    ),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 25) },
  );
}, 120_000);

test('the Airkit index rebuilt from more than a bucket of conversations, some expired, keeps the start order of every list', async () => {
  const sim = await createAirkitSim({ retain: '1m', fixtures, ...hooks });
  const ids: string[] = [];
  for (let i = 0; i < 600; i++) {
    const res = await call(sim, 'POST', BASE, {
      conversationHubChannelResource: i % 3 === 0 ? 'res-b' : 'hub-default',
      customerDestination: i % 3 === 0 ? { type: 'Phone', value: '+15550100' } : { type: 'Text', value: 's' },
    });
    ids.push(res.json.id);
  }
  // Before any expiry, buckets and slot numbers too (more than one bucket per list).
  expect(createIndex(toStoredRecords(sim))).toStrictEqual(
    JSON.parse(JSON.stringify((sim.control.state('airkit') as AirkitState).index)),
  );
  // End a whole bucket's worth at the end (its bucket is dropped live) and some in the middle.
  for (const [i, id] of ids.entries())
    if (i >= 520 || i % 7 === 0) await call(sim, 'POST', `${BASE}/${id}/end`);
  await sim.control.advance('2m');
  await call(sim, 'GET', `${BASE}?pageSize=1`);
  await sim.control.idle();
  for (let i = 0; i < 5; i++)
    await call(sim, 'POST', BASE, {
      conversationHubChannelResource: 'hub-default',
      customerDestination: { type: 'Text', value: 's' },
    });
  const live = (sim.control.state('airkit') as AirkitState).index;
  const rebuilt = createIndex(toStoredRecords(sim));
  expect(toObservable(rebuilt)).toEqual(toObservable(live));
  expect(rebuilt.conversations.size).toBe(600 - 80 - 75 + 5);
  const listed: Json = await call(sim, 'GET', `${BASE}?pageSize=1000`);
  expect(slicePagedIds(rebuilt.conversations, 0, 1000)).toEqual(
    listed.json.conversations.map((c: Json) => c.id),
  );
});
