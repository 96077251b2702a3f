// The chaos verbs and the expectations that check a system under test's reaction to them, on the test chat
// provider and its in-process bot.
import { expect, test } from 'vitest';
import { ScenarioError } from '../../src/scenarios/load.ts';
import { createScenarioSimulator, startChat } from './support/simulator.ts';

const yaml = (steps: string) => `name: t\nprovider: chat\nsteps:\n${steps}`;

test('a chaos verb adds a delivery fault for the run conversation and the next matching event only', async () => {
  const { sim, scenarios, bot } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load(
      yaml(
        '  - chaos.duplicate: { type: customer.message }\n  - customer.say: hi\n  - customer.say: again\n',
      ),
    ),
  );
  const id = await startChat(sim);
  const report = await scenarios.drive(run);
  expect(report.status).toBe('passed');
  // The run ends with its last step; the webhooks that step caused are delivered after it.
  await sim.control.idle();
  expect(report.steps[0]).toMatchObject({
    verb: 'chaos.duplicate',
    label: 'chaos.duplicate type=customer.message',
  });
  expect(bot.received.flatMap((r) => (JSON.parse(r.body) as { text?: string }).text ?? [])).toEqual([
    'hi',
    'hi',
    'again',
  ]);
  expect(sim.control.deliveries({ type: 'customer.message' })[0]?.chaos?.[0]).toMatchObject({
    kind: 'duplicate',
    fault: 'dfault-1',
  });
  expect(sim.control.deliveryFaults()).toEqual([]);
  expect(id).toBe(report.conversationId);
});

test('a chaos step with an option of another kind fails to load with its path and the options it takes', () => {
  return createScenarioSimulator().then(({ scenarios }) => {
    expect(() => scenarios.load(yaml('  - chaos.drop: { type: x, copies: 2 }\n'))).toThrow(ScenarioError);
    expect(() => scenarios.load(yaml('  - chaos.drop: { type: x, copies: 2 }\n'))).toThrow(
      /steps\[0\]\.chaos\.drop\.copies: is not an option of drop \(it takes none\)/,
    );
    expect(() => scenarios.load(yaml('  - chaos.delay: { type: x }\n'))).toThrow(/a delay needs `by`/);
    expect(() => scenarios.load(yaml('  - chaos.burst: { kind: drop }\n'))).toThrow(
      /kind is given by the verb/,
    );
  });
});

test('expect.message with count fails as soon as one message too many arrives', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load(
      yaml(
        '  - chaos.duplicate: { type: customer.message }\n  - customer.say: hi\n' +
          '  - expect.message: { pattern: "/You said: hi/", count: 1, within: 10s }\n',
      ),
    ),
  );
  await startChat(sim);
  const report = await scenarios.drive(run);
  expect(report.status).toBe('failed');
  expect(report.steps[2]?.message).toMatch(
    /expected exactly 1 message\(s\) matching .*You said: hi.* within 10000 ms; 2 arrived/,
  );
  expect(report.durationMs).toBe(0);
});

test('expect.message with count passes at the end of its window with exactly that many', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load(
      yaml('  - customer.say: hi\n  - expect.message: { pattern: /You said/, count: 1, within: 10s }\n'),
    ),
  );
  await startChat(sim);
  const report = await scenarios.drive(run);
  expect(report.status).toBe('passed');
  expect(report.durationMs).toBe(10_000);
});

test('expect.order passes when the replies come in the listed order and fails naming the one that came first', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const inOrder = scenarios.run(
    scenarios.load(
      yaml(
        '  - customer.say: one\n  - customer.say: two\n  - expect.order: ["/said: one/", "/said: two/"]\n',
      ),
    ),
  );
  await startChat(sim);
  expect((await scenarios.drive(inOrder)).status).toBe('passed');

  const reordered = scenarios.run(
    scenarios.load(
      yaml(
        '  - chaos.reorder: { type: customer.message }\n  - customer.say: one\n  - customer.say: two\n' +
          '  - expect.order: ["/said: one/", "/said: two/"]\n',
      ),
    ),
  );
  await startChat(sim);
  const report = await scenarios.drive(reordered);
  expect(report.status).toBe('failed');
  expect(report.steps[3]?.message).toContain(
    'expected messages matching /said: one/, then /said: two/; /said: two/ arrived before /said: one/',
  );
});

test('expect.delivery with status and chaos matches the changed delivery once an attempt got that status', async () => {
  const { sim, scenarios } = await createScenarioSimulator({ bot: () => ({ status: 401 }) });
  const run = scenarios.run(
    scenarios.load(
      yaml(
        '  - chaos.unsignedDelivery: { type: customer.message }\n  - customer.say: hi\n' +
          '  - expect.delivery: { type: customer.message, chaos: unsignedDelivery, status: 401, within: 5s }\n',
      ),
    ),
  );
  await startChat(sim);
  const report = await scenarios.drive(run);
  expect(report.status).toBe('passed');
  expect(report.steps[2]?.actual).toMatch(
    /customer\.message \(.*attempts: 401.*unsignedDelivery: sent without any signing header\)/,
  );
  // At the first attempt's answer (within drive's first 1 s tick), not when its retries are spent (2 s).
  const step = report.steps[2]!;
  expect(step.endedAt! - step.startedAt!).toBeLessThanOrEqual(1000);
});

test('a delivery fault of a run that its conversation never triggered is removed when the run ends', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load(
      yaml('  - chaos.burst: { type: never.sent }\n  - expect.message: { pattern: nothing, within: 5s }\n'),
    ),
  );
  await startChat(sim);
  await sim.control.idle();
  expect(sim.control.deliveryFaults()).toHaveLength(1);
  const report = await scenarios.drive(run);
  expect(report.status).toBe('failed');
  expect(sim.control.deliveryFaults()).toEqual([]);
});
