import { createServer } from 'node:net';
import { expect, test } from 'vitest';
import { createTestSimulator } from '../support/simulator.ts';
import { spawnCli } from './support.ts';

/** A port that was free a moment ago: nothing listens there. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('convosim wait blocks until a simulator listens at --url, then returns 0', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cli = spawnCli(['wait', '--url', url, '--timeout', '60s']);
  await cli.waitFor(`waiting for a simulator at ${url} (ECONNREFUSED)`);
  const sim = await createTestSimulator();
  await sim.listen(port);
  expect(await cli.exited).toBe(0);
  expect(cli.output().stdout).toMatch(new RegExp(`convosim is ready at ${url}\\n$`));
});

test('convosim wait against a closed port fails after --timeout with a clear error', async () => {
  const port = await freePort();
  const cli = spawnCli(['wait', '--url', `http://127.0.0.1:${port}`, '--timeout', '500ms']);
  expect(await cli.exited).toBe(1);
  expect(cli.output().stderr).toBe(
    `convosim: no simulator ready at http://127.0.0.1:${port} after 500 ms (last: ECONNREFUSED). Please check that 'convosim serve' is running there, or raise --timeout.\n`,
  );
});
