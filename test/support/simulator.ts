import { afterEach, expect } from 'vitest';
import { assembleSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator.ts';
import { echoProvider } from './echo-provider.ts';

const open: Simulator[] = [];

/** A fresh simulator for one test: memory store, virtual clock, seed 1, closed after the test. */
export async function createTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await assembleSimulator({
    providers: [echoProvider],
    store: 'memory',
    clock: 'virtual',
    seed: 1,
    defaultFixtures: false,
    fixtures: { echo: { tokens: [{ id: 'good-token', tenant: 't1' }] } },
    logger: () => {},
    ...options,
  });
  open.push(sim);
  return sim;
}

// Like h3's setup: a test fails when the simulator hit an unexpected internal error.
afterEach(async () => {
  const sims = open.splice(0);
  await Promise.all(sims.map((s) => s.close()));
  for (const sim of sims) {
    const unexpected = sim.internalErrors.filter((e) => !e.message.includes('boom requested'));
    expect(unexpected, 'internal errors during the test').toEqual([]);
  }
});
