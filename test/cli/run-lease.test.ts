import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { RunReport, ScenarioRun } from '../../src/scenarios/index.ts';
import { createScenarioSimulator, startChat } from '../scenarios/support/simulator.ts';
import { spawnCli, tempDir } from './support.ts';

const scenario = 'name: greeting\nprovider: chat\nsteps:\n  - agent.join:\n  - expect.message: Hello agent\n';

/** The run's next report, or a clear failure when nothing changes within `ms` of real time. */
function nextReport(
  scenarios: { nextChange(run: ScenarioRun): Promise<RunReport> },
  run: ScenarioRun,
  ms: number,
) {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    scenarios.nextChange(run).finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`run ${run.id} still ${run.report().status} after ${ms} ms`)),
        ms,
      );
    }),
  ]);
}

test('a killed convosim run has its waiting run cancelled, and the next run takes the next conversation', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const file = path.join(tempDir(), 'greeting.yaml');
  writeFileSync(file, scenario);
  const first = spawnCli(['run', file, '--url', url]);
  await first.waitFor('waiting for a chat conversation to start');
  const orphan = scenarios.runs()[0]!;
  expect(orphan.report().status).toBe('waiting');
  first.child.kill('SIGKILL');
  const cancelled = await nextReport(scenarios, orphan, 5000);
  expect(cancelled.status).toBe('cancelled');
  expect(cancelled.error).toMatch(/client that queued it disconnected/);

  const second = spawnCli(['run', file, '--url', url, '--settle', '1']);
  await second.waitFor('waiting for a chat conversation to start');
  const conversationId = await startChat(sim);
  expect(await second.exited).toBe(0);
  expect(second.output().stdout).toContain(`started on conversation ${conversationId}`);
});

test('a run queued for a client that never waits on it is cancelled when its lease ends', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const posted = await fetch(`${url}/__admin/scenarios/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ source: scenario, client: 'gone', leaseMs: 1000 }),
  });
  const { id } = (await posted.json()) as { id: string };
  const report = await nextReport(scenarios, scenarios.get(id)!, 5000);
  expect(report.status).toBe('cancelled');
  expect(report.error).toMatch(/no wait for 1000 ms/);
});

test('a run without a client is not leased and keeps waiting', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const { url } = await sim.listen(0);
  const posted = await fetch(`${url}/__admin/scenarios/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ source: scenario }),
  });
  const { id } = (await posted.json()) as { id: string };
  const waited = await fetch(`${url}/__admin/scenarios/runs/${id}/wait?settled=0&timeout=1100ms`);
  expect(((await waited.json()) as RunReport).status).toBe('waiting');
  expect(scenarios.get(id)!.report().status).toBe('waiting');
});
