import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createScenarioSimulator, startChat } from './support/simulator.ts';

const BIN = path.resolve('bin/convosim.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Spawns the CLI; `waitFor(text)` resolves once stdout contains `text`. */
function cli(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve(): void }[] = [];
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    exited,
    output: () => ({ stdout, stderr }),
    waitFor: (text: string) =>
      stdout.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ text, resolve })),
  };
}

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'convosim-run-'));

function writeScenario(dir: string, name: string, text: string) {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const passing = `name: greeting
provider: chat
steps:
  - agent.join:
  - expect.message: Hello agent
  - after: 10m
    customer.say: hi
  - expect.message: "You said: hi"
`;

test('run waits for a matching conversation start, shows progress, writes junit and json, and exits 0', async () => {
  const { sim } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const dir = tempDir();
  const file = writeScenario(dir, 'greeting.yaml', passing);
  const junit = path.join(dir, 'out.xml');
  const json = path.join(dir, 'out.json');
  const run = cli([
    'run',
    file,
    '--url',
    url,
    '--settle',
    '1',
    '--report',
    'junit',
    junit,
    '--report',
    'json',
    json,
  ]);
  await run.waitFor('waiting for a chat conversation to start');
  const id = await startChat(sim);
  expect(await run.exited).toBe(0);
  const { stdout } = run.output();
  expect(stdout).toContain(`started on conversation ${id}`);
  expect(stdout).toContain('  ✓ 3 customer.say "hi" (+600000ms)');
  expect(stdout).toContain(`✓ greeting (${file}): passed in 600000ms of simulator time`);
  expect(stdout).toContain('1 passed, 0 failed');
  const xml = readFileSync(junit, 'utf8');
  expect(xml).toContain('<testsuite name="greeting"');
  expect(xml).toContain('tests="4" failures="0"');
  expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({
    passed: 1,
    failed: 0,
    runs: [{ status: 'passed' }],
  });
});

test('run prints what was expected, what arrived and a diff, and exits 1 on a failure', async () => {
  const { sim } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const id = await startChat(sim);
  const dir = tempDir();
  const file = writeScenario(
    dir,
    'rude.yaml',
    'name: rude\nprovider: chat\nsteps:\n  - customer.say: hi\n  - expect.message: { pattern: "Good morning", within: 5s }\n',
  );
  const junit = path.join(dir, 'out.xml');
  const run = cli([
    'run',
    file,
    '--url',
    url,
    '--conversation',
    id,
    '--settle',
    '1',
    '--report',
    'junit',
    junit,
  ]);
  expect(await run.exited).toBe(1);
  const { stdout } = run.output();
  expect(stdout).toContain('✗ 2 expect.message Good morning');
  expect(stdout).toContain(`why:      ${file}:5 steps[1] (expect.message): expected a message matching`);
  expect(stdout).toContain('arrived:  POST /chat/v1/conversations/');
  expect(stdout).toContain('- Good morning');
  expect(stdout).toContain('+ {"text":"You said: hi"}');
  expect(stdout).toContain('0 passed, 1 failed');
  expect(readFileSync(junit, 'utf8')).toContain('<failure message=');
});

test('run refuses an invalid scenario file with file, line and fix, and queues nothing', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const dir = tempDir();
  const good = writeScenario(dir, 'good.yaml', passing);
  const bad = writeScenario(dir, 'bad.yaml', 'name: bad\nprovider: chat\nsteps:\n  - wait: forever\n');
  const run = cli(['run', good, bad, '--url', url]);
  expect(await run.exited).toBe(1);
  expect(run.output().stderr.trim()).toBe(
    'convosim: Failed to load scenario bad.yaml:4: steps[0].wait must be a duration like 2s, or a seeded random range like 1s..5s. Please write milliseconds or strings like 500ms, 2s, 1m.',
  );
  expect(scenarios.runs()).toEqual([]);
});

test('run refuses a verb the served provider lacks, and cancels the runs it queued', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const dir = tempDir();
  const good = writeScenario(dir, 'good.yaml', passing);
  const bad = writeScenario(
    dir,
    'bad.yaml',
    'name: bad\nprovider: chat\nsteps:\n  - agent.transfer: { queue: x }\n',
  );
  const run = cli(['run', good, bad, '--url', url]);
  expect(await run.exited).toBe(1);
  expect(run.output().stderr).toMatch(
    /^convosim: Failed to load scenario bad\.yaml:4: steps\[0\]: chat has no action 'agent\.transfer'/,
  );
  expect(scenarios.runs().map((r) => r.report().status)).toEqual(['cancelled']);
});

test('run without a reachable simulator says how to start one', async () => {
  const dir = tempDir();
  const file = writeScenario(dir, 'greeting.yaml', passing);
  const run = cli(['run', file, '--url', 'http://127.0.0.1:9']);
  expect(await run.exited).toBe(1);
  expect(run.output().stderr).toMatch(
    /^convosim: cannot reach a simulator at http:\/\/127\.0\.0\.1:9 \(.+\)\. Please start one with 'convosim serve' or pass --url\.\n$/,
  );
});

test('a transcript exported by the CLI replays against the same SUT with no drift', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const recorded = scenarios.run(scenarios.load(passing));
  const id = await startChat(sim);
  expect((await scenarios.drive(recorded)).status).toBe('passed');
  const dir = tempDir();
  const transcript = path.join(dir, 'transcript.json');
  const exported = cli(['transcript', 'chat', id, '--url', url]);
  expect(await exported.exited).toBe(0);
  writeFileSync(transcript, exported.output().stdout);
  expect(JSON.parse(readFileSync(transcript, 'utf8'))).toMatchObject({
    provider: 'chat',
    conversationId: id,
  });

  const replay = cli(['replay', transcript, '--url', url, '--settle', '1']);
  await replay.waitFor('waiting for a chat conversation to start');
  await startChat(sim);
  expect(await replay.exited).toBe(0);
  expect(replay.output().stdout).toContain('1 passed, 0 failed');
});

test('transcript --scenario prints a scenario file made from the conversation', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const recorded = scenarios.run(scenarios.load(passing));
  const id = await startChat(sim);
  await scenarios.drive(recorded);
  const exported = cli(['transcript', 'chat', id, '--url', url, '--scenario']);
  expect(await exported.exited).toBe(0);
  const scenario = scenarios.load(exported.output().stdout);
  expect(scenario.steps.map((s) => s.verb)).toEqual([
    'act',
    'expect.request',
    'act',
    'expect.request',
    'expect.acks',
  ]);
});

test('serve --scenario arms a scenario for every matching conversation start', async () => {
  const serve = cli([
    'serve',
    '--port',
    '0',
    '--db',
    'memory',
    '--clock',
    'virtual',
    '--scenario',
    'fixtures/scenarios/airkit-bot-resolves.yaml',
  ]);
  await serve.waitFor('armed');
  const url = /listening on (\S+)/.exec(serve.output().stdout)?.[1];
  expect(serve.output().stdout).toContain(
    'scenario  airkit bot answers and resolves (fixtures/scenarios/airkit-bot-resolves.yaml) armed',
  );
  const listing = (await (await fetch(`${url}/__admin/scenarios`)).json()) as {
    armed: { scenario: string }[];
  };
  expect(listing.armed.map((a) => a.scenario)).toEqual(['airkit bot answers and resolves']);
});

test('serve refuses an invalid --scenario file with a one-line error', async () => {
  const dir = tempDir();
  const bad = writeScenario(dir, 'bad.yaml', 'name: bad\nprovider: nope\nsteps:\n  - wait: 1s\n');
  const serve = cli(['serve', '--port', '0', '--db', 'memory', '--scenario', bad]);
  expect(await serve.exited).toBe(1);
  expect(serve.output().stderr.trim().split('\n')).toEqual([
    "convosim: Failed to load scenario bad.yaml: provider 'nope' is not served here. Please use one of: ece, 8x8, chatwoot, airkit.",
  ]);
});
