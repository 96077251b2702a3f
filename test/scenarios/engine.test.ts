import { expect, test } from 'vitest';
import { createScenarioSimulator, startChat } from './support/simulator.ts';

const happy = `
name: happy path
provider: chat
steps:
  - agent.join:
  - expect.message: Hello agent
  - after: 2s
    agent.say: "Hi {{customer.name}}, how can I help?"
  - customer.say: I need a refund
  - expect.message:
      pattern: '/You said: .*refund/'
      within: 5s
  - customer.say: bye
  - expect.ended: { within: 10s }
  - expect.acks:
`;

test('a scenario triggered by a conversation start plays its steps and passes', async () => {
  const { sim, bot, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(scenarios.load(happy));
  expect(run.report().status).toBe('waiting');
  const id = await startChat(sim, { customer: 'Ada' });
  await sim.control.advance('1m');
  const report = await run.outcome;
  expect(report.status).toBe('passed');
  expect(report.conversationId).toBe(id);
  expect(report.steps.map((s) => s.status)).toEqual(Array(8).fill('passed'));
  expect(bot.received.map((r) => JSON.parse(r.body).type)).toEqual([
    'conversation.created',
    'agent.joined',
    'agent.message',
    'customer.message',
    'customer.message',
  ]);
});

test('templates fill in conversation data such as the customer name', async () => {
  const { sim, bot, scenarios } = await createScenarioSimulator();
  scenarios.run(scenarios.load(happy));
  await startChat(sim, { customer: 'Ada' });
  await sim.control.advance('1m');
  const said = bot.received.map((r) => JSON.parse(r.body)).find((b) => b.type === 'agent.message');
  expect(said.text).toBe('Hi Ada, how can I help?');
});

test('an unknown template path fails the step and names the paths it could use', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load('name: t\nprovider: chat\nsteps:\n  - agent.say: "Hi {{customer.nmae}}"\n', {
      file: 't.yaml',
    }),
  );
  await startChat(sim, { customer: 'Ada' });
  const report = await scenarios.drive(run);
  expect(report.status).toBe('failed');
  expect(report.steps[0]!.message).toMatch(
    /^t\.yaml:4 steps\[0\] \(agent\.say\): template \{\{customer\.nmae\}\} has no value/,
  );
  expect(report.steps[0]!.message).toMatch(/customer\.name/);
});

test('a failed expectation reports what was expected, what arrived and a diff', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const scenario = scenarios.load(
    'name: t\nprovider: chat\nsteps:\n  - customer.say: hello\n  - expect.message: { pattern: "You said: goodbye", within: 3s }\n  - agent.say: never\n',
    { file: 'greeting.yaml' },
  );
  const run = scenarios.run(scenario);
  await startChat(sim);
  await sim.control.advance('10s');
  const report = await run.outcome;
  expect(report.status).toBe('failed');
  const failed = report.steps[1]!;
  expect(failed.status).toBe('failed');
  expect(failed.endedAt).toBe(3000);
  expect(failed.message).toMatch(
    /^greeting\.yaml:5 steps\[1\] \(expect\.message\): expected a message matching/,
  );
  expect(failed.expected).toContain('You said: goodbye');
  expect(failed.actual).toContain('"text":"You said: hello"');
  expect(failed.diff).toMatch(/^- You said: goodbye\n\+ \{"text":"You said: hello"\}$/);
  expect(report.steps[2]!.status).toBe('skipped');
});

test('a failing run leaves the simulator serving', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load('name: t\nprovider: chat\nsteps:\n  - expect.ended: { within: 1s }\n'),
  );
  await startChat(sim);
  expect((await scenarios.drive(run)).status).toBe('failed');
  expect((await sim.app.request('/__admin/health')).status).toBe(200);
  const second = await startChat(sim);
  expect(sim.control.conversations().map((c) => c.id)).toContain(second);
});

test('expect.noRequest fails as soon as the forbidden call arrives', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const scenario = scenarios.load(`
name: no end
provider: chat
steps:
  - expect.noRequest: { method: POST, path: "**/{{conversationId}}/end", during: 1m }
`);
  const run = scenarios.run(scenario);
  const id = await startChat(sim);
  await sim.control.advance('10s');
  expect(run.isFinished()).toBe(false);
  await sim.app.request(`/chat/v1/conversations/${id}/end`, { method: 'POST' });
  const report = await run.outcome;
  expect(report.status).toBe('failed');
  expect(report.steps[0]!.endedAt).toBe(10_000);
  expect(report.steps[0]!.actual).toBe(`POST /chat/v1/conversations/${id}/end -> 200`);
});

test('expect.noRequest passes when the window ends without the call', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load('name: t\nprovider: chat\nsteps:\n  - expect.noRequest: { path: "**/end", during: 1m }\n'),
  );
  await startChat(sim);
  expect((await scenarios.drive(run)).status).toBe('passed');
  expect(sim.control.now() - Date.parse('2025-01-01T00:00:00Z')).toBe(60_000);
});

test('expect.acks fails and lists the deliveries the system under test refused', async () => {
  const { sim, scenarios } = await createScenarioSimulator({
    bot: (event) => (event.type === 'agent.message' ? { status: 500 } : {}),
  });
  const run = scenarios.run(
    scenarios.load('name: t\nprovider: chat\nsteps:\n  - agent.say: hi\n  - expect.acks: { within: 10s }\n'),
  );
  await startChat(sim);
  const report = await scenarios.drive(run);
  expect(report.status).toBe('failed');
  expect(report.steps[1]!.message).toMatch(/1 of 2 were not/);
  expect(report.steps[1]!.actual).toBe('agent.message (failed; attempts: 500, 500)');
});

test('expect.delivery waits for a webhook to settle in the given state', async () => {
  const { sim, scenarios } = await createScenarioSimulator({
    bot: (event) => (event.type === 'agent.message' ? { status: 503 } : {}),
  });
  const run = scenarios.run(
    scenarios.load(
      'name: t\nprovider: chat\nsteps:\n  - agent.say: hi\n  - expect.delivery: { type: agent.message, state: failed, within: 5s }\n',
    ),
  );
  await startChat(sim);
  const report = await scenarios.drive(run);
  expect(report.status).toBe('passed');
  expect(report.steps[1]!.endedAt).toBe(1000);
});

test('a raw step emits its event body to the conversation webhook', async () => {
  const { sim, bot, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load(`
name: raw
provider: chat
steps:
  - raw: { type: custom.survey, body: { survey: true, conversation: "{{conversationId}}" } }
`),
  );
  const id = await startChat(sim);
  expect((await scenarios.drive(run)).status).toBe('passed');
  expect(bot.received.at(-1)?.body).toBe(JSON.stringify({ survey: true, conversation: id }));
});

test('a manual scenario starts against an existing conversation', async () => {
  const { sim, bot, scenarios } = await createScenarioSimulator();
  const id = await startChat(sim, { customer: 'Grace' });
  const scenario = scenarios.load(
    'name: t\nprovider: chat\ntrigger: { on: manual }\nsteps:\n  - agent.say: "hello {{conversationId}}"\n',
  );
  expect(() => scenarios.run(scenario)).toThrow(/manual trigger\. Please give the conversationId/);
  const report = await scenarios.drive(scenarios.run(scenario, { conversationId: id }));
  expect(report.status).toBe('passed');
  expect(JSON.parse(bot.received.at(-1)!.body).text).toBe(`hello ${id}`);
});

test('an action the provider refuses fails the step with the file, line and reason', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load('name: t\nprovider: chat\nsteps:\n  - agent.complete:\n  - agent.say: too late\n', {
      file: 'late.yaml',
    }),
  );
  await startChat(sim);
  const report = await scenarios.drive(run);
  expect(report.status).toBe('failed');
  expect(report.steps[1]!.message).toMatch(
    /^late\.yaml:5 steps\[1\] \(agent\.say\): chat agent\.say on chat-\w+ failed: conversation chat-\w+ has ended$/,
  );
});

test('the trigger match picks the conversations a scenario runs on', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const scenario = scenarios.load(
    'name: t\nprovider: chat\ntrigger: { on: conversation.started, match: { queue: /^vip/ } }\nsteps:\n  - agent.say: hi\n',
  );
  const run = scenarios.run(scenario);
  await startChat(sim, { queue: 'general' });
  expect(run.report().status).toBe('waiting');
  const vip = await startChat(sim, { queue: 'vip-gold' });
  await sim.control.idle();
  expect(run.report()).toMatchObject({ status: 'passed', conversationId: vip });
});

test('queued runs take matching conversations in the order they were queued', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const first = scenarios.run(scenarios.load('name: first\nprovider: chat\nsteps:\n  - agent.say: one\n'));
  const second = scenarios.run(scenarios.load('name: second\nprovider: chat\nsteps:\n  - agent.say: two\n'));
  const a = await startChat(sim);
  const b = await startChat(sim);
  await sim.control.idle();
  expect([first.report().conversationId, second.report().conversationId]).toEqual([a, b]);
});

test('an armed scenario runs once for every matching conversation start until disarmed', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const armed = scenarios.arm(scenarios.load('name: t\nprovider: chat\nsteps:\n  - agent.join:\n'));
  await startChat(sim);
  await startChat(sim);
  await sim.control.idle();
  expect(armed.runs().map((r) => r.report().status)).toEqual(['passed', 'passed']);
  armed.disarm();
  await startChat(sim);
  await sim.control.idle();
  expect(armed.runs()).toHaveLength(2);
});

test('reset cancels running scenarios and the simulator keeps serving', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load('name: t\nprovider: chat\nsteps:\n  - wait: 1h\n  - agent.say: hi\n'),
  );
  await startChat(sim);
  await sim.control.advance('1m');
  await sim.control.reset();
  const report = await run.outcome;
  expect(report).toMatchObject({ status: 'cancelled', error: 'the simulator was reset' });
  expect(report.steps.map((s) => s.status)).toEqual(['skipped', 'skipped']);
  expect(scenarios.runs()).toEqual([]);
  expect(sim.control.health().pending.timers).toBe(0);
});

test('expect.message ignores messages the SUT sends about another conversation', async () => {
  const { sim, scenarios } = await createScenarioSimulator({ bot: () => ({}) });
  const run = scenarios.run(
    scenarios.load('name: t\nprovider: chat\nsteps:\n  - expect.message: { pattern: hello, within: 10s }\n'),
  );
  const mine = await startChat(sim);
  const other = await startChat(sim);
  const say = (id: string) =>
    sim.app.request(`/chat/v1/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
  await say(other);
  await sim.control.advance('1s');
  expect(run.isFinished()).toBe(false);
  await say(mine);
  expect((await scenarios.drive(run)).status).toBe('passed');
});
