// The chatwoot `index` is derived state: a file store never writes it, and the provider rebuilds it from the records
// at every start. These tests drive random sequences of the operations that change it through the app, then compare
// the live index with the one `createIndexFrom` builds from a copy of the records.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { ChatwootState } from '../../../src/providers/chatwoot/model.ts';
import { createRecordingSender } from '../../support/recording-sender.ts';
import { createMade, runStep, type Step, stepArb, toLiveAndRebuilt } from './derived.ts';
import { createChatwootSim } from './helpers.ts';

test('after any sequence of creates, messages, status and assignment changes, priority, snooze and deletes, the index rebuilt from the records equals the live one', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 20, maxLength: 80 }), async (steps) => {
      const sim = await createChatwootSim({ send: createRecordingSender().send });
      try {
        const made = createMade();
        for (const [i, step] of steps.entries()) await runStep(sim, made, step, i);
        const { live, rebuilt } = toLiveAndRebuilt(sim);
        expect(rebuilt).toEqual(live);
      } finally {
        await sim.close();
      }
    }),
    { numRuns: 40, seed: 9 },
  );
}, 120_000);

test('a scripted run that reorders, empties and refills buckets within one millisecond rebuilds to the same index', async () => {
  const sim = await createChatwootSim({ send: createRecordingSender().send });
  const made = createMade();
  const script: Step[] = [
    { op: 'contact', email: true },
    { op: 'contact', email: false },
    { op: 'contact', email: true },
    { op: 'conversation', contact: 0, assignee: null, team: false, pending: false },
    { op: 'conversation', contact: 1, assignee: 1, team: true, pending: false },
    { op: 'conversation', contact: 0, assignee: null, team: false, pending: true },
    { op: 'conversation', contact: 1, assignee: null, team: false, pending: false },
    // Same millisecond: only the activity rank on the records orders these.
    { op: 'message', conv: 0, type: 'incoming', private: false },
    { op: 'message', conv: 3, type: 'outgoing', private: true },
    { op: 'conversation', contact: 2, assignee: null, team: false, pending: false },
    { op: 'message', conv: 3, type: 'incoming', private: false },
    { op: 'message', conv: 0, type: 'incoming', private: false },
    { op: 'assign', conv: 2, agent: 2 },
    { op: 'priority', conv: 1, priority: 'urgent' },
    { op: 'status', conv: 1, status: 'snoozed' },
    { op: 'status', conv: 2, status: 'resolved' },
    { op: 'deleteConversation', conv: 2 },
    { op: 'deleteMessage', conv: 0 },
    { op: 'webhook' },
    { op: 'canned', n: 0 },
    { op: 'deleteWebhook', n: 0 },
    { op: 'deleteCanned', n: 0 },
    { op: 'deleteContact', contact: 2 },
  ];
  for (const [i, step] of script.entries()) await runStep(sim, made, step, i);
  const state = sim.control.state('chatwoot') as ChatwootState;
  expect(Object.keys(state.index.snoozed ?? {})).toHaveLength(1);
  expect(Object.keys(state.webhooks)).toHaveLength(0);
  // Conversations 1 and 4 share a bucket and a millisecond, in the order of their last activity, not of their ids.
  const bucket = state.index.buckets['1']!['1:open:-:-:-']!;
  expect([bucket.head, bucket.tail, bucket.count]).toEqual([1, 4, 2]);
  const { live, rebuilt } = toLiveAndRebuilt(sim);
  expect(rebuilt).toEqual(live);
});
