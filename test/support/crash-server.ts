// A simulator in a process of its own, on a store file, for kill -9 tests: prints its URL, then serves. A second
// argument sets the log size after which a snapshot is taken (small: snapshots run all through a burst).
import { assembleSimulator } from '../../src/simulator.ts';
import { echoProvider } from './echo-provider.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: crash-server.ts <store file>');
const sim = await assembleSimulator({
  providers: [echoProvider],
  store: file,
  snapshotBytes: process.argv[3] ? Number(process.argv[3]) : undefined,
  seed: 1,
  defaultFixtures: false,
  fixtures: { echo: { tokens: [{ id: 'good-token', tenant: 't1' }] } },
  logger: (level, message) => process.stderr.write(`${level}: ${message}\n`),
});
const { url } = await sim.listen(0, '127.0.0.1');
process.stdout.write(`${url}\n`);
