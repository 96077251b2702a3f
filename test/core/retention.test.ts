import { expect, test } from 'vitest';
import { startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

const get = (sim: Awaited<ReturnType<typeof createTestSimulator>>, id: string) =>
  sim.app.request(`/echo/v1/conversations/${id}`);

test('with retain, an ended conversation is expired once the retention time has passed, not before', async () => {
  const sim = await createTestSimulator({ retain: '1h' });
  const { id: ended } = (await (await startEcho(sim)).json()) as { id: string };
  const { id: open } = (await (await startEcho(sim)).json()) as { id: string };
  await sim.control.act({ provider: 'echo', conversationId: ended, action: 'agent.complete' });
  await sim.control.advance('59m');
  expect((await get(sim, ended)).status).toBe(200);
  await sim.control.advance('2m');
  await get(sim, open);
  await Promise.resolve();
  expect((await get(sim, ended)).status).toBe(404);
  expect((await get(sim, open)).status).toBe(200);
});

test('without retain, ended conversations are kept', async () => {
  const sim = await createTestSimulator();
  const { id } = (await (await startEcho(sim)).json()) as { id: string };
  await sim.control.act({ provider: 'echo', conversationId: id, action: 'agent.complete' });
  await sim.control.advance('3650d');
  await get(sim, id);
  expect((await get(sim, id)).status).toBe(200);
});

test('a conversation that ended, re-opened and ended again is kept for the retention time after its last end', async () => {
  const sim = await createTestSimulator({ retain: '1h' });
  const { id } = (await (await startEcho(sim)).json()) as { id: string };
  await sim.control.act({ provider: 'echo', conversationId: id, action: 'agent.complete' });
  await sim.control.advance('30m');
  await sim.control.act({ provider: 'echo', conversationId: id, action: 'agent.complete' });
  await sim.control.advance('45m');
  await get(sim, id);
  await Promise.resolve();
  expect((await get(sim, id)).status).toBe(200);
  await sim.control.advance('20m');
  await get(sim, id);
  await Promise.resolve();
  expect((await get(sim, id)).status).toBe(404);
});
