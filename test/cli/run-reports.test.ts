import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { renderJunit } from '../../src/scenarios/report.ts';
import type { RunReport } from '../../src/scenarios/run.ts';
import { createScenarioSimulator, startChat } from '../scenarios/support/simulator.ts';
import { spawnCli, tempDir } from './support.ts';

const greeting = 'name: greeting\nprovider: chat\nsteps:\n  - agent.join:\n  - expect.message: Hello agent\n';

test('a run that timed out is counted as an error in its junit report', async () => {
  const { sim } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const dir = tempDir();
  const file = path.join(dir, 'greeting.yaml');
  writeFileSync(file, greeting);
  const junit = path.join(dir, 'out.xml');
  const run = spawnCli(['run', file, '--url', url, '--timeout', '300ms', '--report', 'junit', junit]);
  expect(await run.exited).toBe(1);
  expect(run.output().stdout).toContain('0 passed, 1 failed');
  const xml = readFileSync(junit, 'utf8');
  expect(xml).toMatch(/<testsuite name="greeting"[^>]* tests="3" failures="0" errors="1" skipped="2"/);
  expect(xml).toMatch(
    /<testcase name="run" classname="greeting" time="0"><error message="timed out after 300 ms/,
  );
});

test('run writes a report into a folder it creates', async () => {
  const { sim } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const dir = tempDir();
  const file = path.join(dir, 'greeting.yaml');
  writeFileSync(file, greeting);
  const junit = path.join(dir, 'out', 'nested', 'x.xml');
  const run = spawnCli(['run', file, '--url', url, '--settle', '1', '--report', 'junit', junit]);
  await run.waitFor('waiting for a chat conversation to start');
  await startChat(sim);
  expect(await run.exited).toBe(0);
  expect(readFileSync(junit, 'utf8')).toContain('failures="0" errors="0"');
});

test('renderJunit counts a failed run without a failed step as one error', () => {
  const report = {
    id: 'run-1',
    scenario: 's',
    file: 's.yaml',
    provider: 'chat',
    conversationId: 'c1',
    seed: 1,
    status: 'failed',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    steps: [
      { index: 0, line: 4, verb: 'agent.join', label: 'agent.join', status: 'skipped' },
    ] as RunReport['steps'],
    error: 'internal error: boom',
  } as RunReport;
  expect(renderJunit([report])).toContain('tests="2" failures="0" errors="1" skipped="1"');
});
