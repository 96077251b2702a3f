import { performance } from 'node:perf_hooks';
import { expect, test } from 'vitest';
import { createScenarioSimulator, startChat } from './support/simulator.ts';

// A 30-minute conversation: fixed waits, seeded random delays, and expectations on the bot.
const long = `
name: thirty minutes
provider: chat
steps:
  - agent.join:
  - expect.message: Hello agent
  - after: 5m
    customer.say: first question
  - expect.message: { pattern: "You said: first", within: 10s }
  - after: 30s..4m
    agent.typing:
  - after: 10s..50s
    agent.say: "Still there, {{customer.name}}?"
  - wait: 10m..15m
  - customer.say: second question
  - expect.message: "You said: second"
  - at: 30m
    customer.say: bye
  - expect.ended:
`;

async function playLong(seed?: number) {
  const { sim, bot, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(scenarios.load(long), { seed });
  await startChat(sim, { customer: 'Ada' });
  const report = await scenarios.drive(run);
  const start = Date.parse(report.startedAt!);
  const events = bot.received.map((r) => {
    const body = JSON.parse(r.body) as { type: string; text?: string };
    return `${body.type}${body.text ? ` ${body.text}` : ''}`;
  });
  const times = sim.control.deliveries().map((d) => d.createdAt - start);
  return { report, events, times };
}

test('a 30-minute scripted conversation finishes in well under a second on the virtual clock', async () => {
  const started = performance.now();
  const { report } = await playLong();
  expect(performance.now() - started).toBeLessThan(1000);
  expect(report.status).toBe('passed');
  expect(report.durationMs).toBe(30 * 60_000);
  expect(report.steps.find((s) => s.label === 'customer.say "bye"')?.startedAt).toBe(30 * 60_000);
});

test('the same seed gives the same events in the same order at the same times', async () => {
  const first = await playLong();
  const second = await playLong();
  expect(second.events).toEqual(first.events);
  expect(second.times).toEqual(first.times);
  expect(first.events).toEqual([
    'conversation.created',
    'agent.joined',
    'customer.message first question',
    'agent.typing',
    'agent.message Still there, Ada?',
    'customer.message second question',
    'customer.message bye',
  ]);
});

test('another seed draws other random delays', async () => {
  const one = await playLong(1);
  const two = await playLong(2);
  expect(two.events).toEqual(one.events);
  expect(two.times).not.toEqual(one.times);
});

test('random delays stay within their range', async () => {
  const { report } = await playLong(7);
  const typing = report.steps[4]!.startedAt! - report.steps[3]!.endedAt!;
  expect(typing).toBeGreaterThanOrEqual(30_000);
  expect(typing).toBeLessThanOrEqual(240_000);
});

test('advancing the clock by hand drives a run as far as the time allows', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(scenarios.load(long));
  await startChat(sim);
  await sim.control.advance('4m');
  expect(
    run
      .report()
      .steps.map((s) => s.status)
      .slice(0, 3),
  ).toEqual(['passed', 'passed', 'pending']);
  await sim.control.advance('1m');
  expect(run.report().steps[3]!.status).toBe('passed');
  await sim.control.advance('30m');
  expect((await run.outcome).status).toBe('passed');
});
