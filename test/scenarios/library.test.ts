import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { createSimulator, toScenarioApi } from '../../src/index.ts';
import { createScenarioSimulator, startChat } from './support/simulator.ts';

test('the library simulator has the scenario engine and loads every shipped example', async () => {
  const sim = await createSimulator({ store: 'memory', clock: 'virtual', logger: () => {} });
  try {
    const scenarios = toScenarioApi(sim);
    const dir = 'fixtures/scenarios';
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const scenario = scenarios.loadFile(path.join(dir, file));
      expect(sim.providers.map((p) => p.name)).toContain(scenario.provider);
    }
  } finally {
    await sim.close();
  }
});

test('a run with drive: true finishes on its own and its outcome is the report', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load('name: t\nprovider: chat\nsteps:\n  - wait: 10m\n  - agent.say: done\n'),
    { drive: true },
  );
  await startChat(sim);
  const report = await run.outcome;
  expect(report).toMatchObject({ status: 'passed', durationMs: 600_000 });
  expect(scenarios.get(run.id)?.report().status).toBe('passed');
});

test('a scenario with trigger now starts at once and watches the system under test', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(
    scenarios.load(
      'name: t\nprovider: chat\ntrigger: { on: now }\nsteps:\n  - expect.request: { path: /chat/v1/conversations, within: 1m }\n',
    ),
  );
  expect(run.report().status).toBe('running');
  await startChat(sim);
  expect((await scenarios.drive(run)).status).toBe('passed');
});

test('the admin API queues a run, waits on it and reports it', async () => {
  const { sim } = await createScenarioSimulator();
  const post = await sim.app.request('/__admin/scenarios/runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ source: 'name: t\nprovider: chat\nsteps:\n  - agent.join:\n', file: 't.yaml' }),
  });
  expect(post.status).toBe(201);
  const queued = (await post.json()) as { id: string; status: string };
  expect(queued.status).toBe('waiting');
  await startChat(sim);
  await sim.control.idle();
  const waited = await sim.app.request(`/__admin/scenarios/runs/${queued.id}/wait?settled=0&timeout=1s`);
  expect(await waited.json()).toMatchObject({ id: queued.id, status: 'passed', file: 't.yaml' });
});

test('the admin API refuses an invalid scenario with 400 and the load error', async () => {
  const { sim } = await createScenarioSimulator();
  const res = await sim.app.request('/__admin/scenarios/runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ source: 'name: t\nprovider: chat\nsteps:\n  - wait: never\n', file: 'bad.yaml' }),
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: string }).error).toMatch(
    /^Failed to load scenario bad\.yaml:4: steps\[0\]\.wait/,
  );
  expect((await sim.app.request('/__admin/scenarios/runs/run-9')).status).toBe(404);
});

test('two runs driven at once take turns on the clock and both finish on time', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const slow = scenarios.run(
    scenarios.load('name: slow\nprovider: chat\nsteps:\n  - wait: 20m\n  - agent.say: slow\n'),
    {
      drive: true,
    },
  );
  const fast = scenarios.run(
    scenarios.load('name: fast\nprovider: chat\nsteps:\n  - wait: 5m\n  - agent.say: fast\n'),
    {
      drive: true,
    },
  );
  await startChat(sim);
  await startChat(sim);
  const [a, b] = await Promise.all([slow.outcome, fast.outcome]);
  expect([a.status, a.durationMs, b.status, b.durationMs]).toEqual(['passed', 1_200_000, 'passed', 300_000]);
});

test('a conversation that is already being played does not start a second run', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const armed = scenarios.arm(scenarios.load('name: t\nprovider: chat\nsteps:\n  - wait: 1m\n'));
  const id = await startChat(sim);
  await sim.control.idle();
  sim.signals.emit('conversation', { type: 'conversation.started', provider: 'chat', conversationId: id });
  await sim.control.idle();
  expect(armed.runs()).toHaveLength(1);
});

test('on a real clock the timeline runs on real timers and drive just awaits the outcome', async () => {
  const { sim, scenarios } = await createScenarioSimulator({ clock: 'real' });
  const run = scenarios.run(
    scenarios.load(
      'name: t\nprovider: chat\nsteps:\n  - after: 20ms\n    customer.say: hi\n  - expect.message: "You said: hi"\n',
    ),
  );
  await startChat(sim);
  const report = await scenarios.drive(run);
  expect(report.status).toBe('passed');
  expect(report.steps[0]!.startedAt).toBeGreaterThanOrEqual(20);
});
