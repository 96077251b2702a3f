// How long one failing webhook can hold back its conversation's later events. 8x8 documents only that it retries
// "after a brief delay" (validating-webhook-events.md, x-8x8-transmission-time): the schedule is a simulator
// choice, bounded so that the core's in-order delivery per conversation never waits on one event over a minute.
import { expect, test } from 'vitest';
import { eightByEightProvider } from '../../../src/providers/8x8/index.ts';
import { createEightByEightSim, getToken, setUpV2Channel, v2Client } from './helpers.ts';

const T0 = Date.parse('2025-01-01T00:00:00Z');

test('a failing webhook holds back later events for at most a minute, retries and answer timeouts included', () => {
  const policy = eightByEightProvider.webhooks!;
  const attempts = policy.retryDelaysMs.length + 1;
  const worstHoldMs = attempts * policy.timeoutMs + policy.retryDelaysMs.reduce((a, b) => a + b, 0);
  expect(worstHoldMs).toBeLessThanOrEqual(60_000);
});

test('an event behind a failing one of its conversation is delivered once the failing one gives up, 17 s later', async () => {
  const { sim, sent, respondWith } = await createEightByEightSim();
  const api = v2Client(sim, await getToken(sim));
  const channelId = await setUpV2Channel(api);
  respondWith((request) => ((request.json as { eventType?: string }).eventType === 'QUEUED' ? 500 : 200));
  await api('POST', '/conversations', { channelId });
  await sim.control.idle();
  for (const step of [2_000, 5_000, 10_000]) {
    await sim.control.advance(step);
    await sim.control.idle();
  }
  const times = sent.map((s) => [
    (s.json as { eventType: string }).eventType,
    Number(s.headers['x-8x8-transmission-time']) - T0,
  ]);
  // AGENT_JOINED happened at 2 s (auto-accept) and waited behind QUEUED's four attempts.
  expect(times).toEqual([
    ['QUEUED', 0],
    ['QUEUED', 2_000],
    ['QUEUED', 7_000],
    ['QUEUED', 17_000],
    ['AGENT_JOINED', 17_000],
  ]);
});

test('the webhookRetries option changes the retry schedule (simulator choice, docs/providers/8x8.md)', async () => {
  const { sim, sent, respondWith } = await createEightByEightSim({
    providerOptions: { '8x8': { webhookRetries: '1s,3s', webhookTimeout: '5s' } },
  });
  const api = v2Client(sim, await getToken(sim));
  const channelId = await setUpV2Channel(api);
  respondWith(() => 500);
  await api('POST', '/conversations', { channelId });
  await sim.control.idle();
  for (const step of [1_000, 3_000, 10_000]) {
    await sim.control.advance(step);
    await sim.control.idle();
  }
  const queued = sent
    .filter((s) => (s.json as { eventType: string }).eventType === 'QUEUED')
    .map((s) => Number(s.headers['x-8x8-transmission-time']) - T0);
  expect(queued).toEqual([0, 1_000, 4_000]);
});

test('the webhook options refuse what is not a list of durations', async () => {
  for (const webhookRetries of ['2s,soon', Array.from({ length: 11 }, () => '1s').join(',')]) {
    await expect(createEightByEightSim({ providerOptions: { '8x8': { webhookRetries } } })).rejects.toThrow(
      /webhookRetries/,
    );
  }
  await expect(
    createEightByEightSim({ providerOptions: { '8x8': { webhookTimeout: 'later' } } }),
  ).rejects.toThrow(/webhookTimeout/);
});
