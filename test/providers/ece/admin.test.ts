// The ECE admin API (docs/providers/ece.md "Admin API"): the paged conversation listing.
import { expect, test } from 'vitest';
import { createEceSim, eceAdmin, startOk } from './helpers.ts';

type Page = { conversations: Array<{ id: string }>; next: string | null };

test('GET /conversations pages through the conversations in creation order', async () => {
  const { sim } = await createEceSim();
  const started = [];
  for (let i = 0; i < 5; i++) started.push((await startOk(sim)).id);
  const first = (await (await eceAdmin(sim, 'GET', '/conversations?limit=2')).json()) as Page;
  expect(first.conversations.map((c) => c.id)).toEqual(started.slice(0, 2));
  const second = (await (
    await eceAdmin(sim, 'GET', `/conversations?limit=2&after=${first.next}`)
  ).json()) as Page;
  expect(second.conversations.map((c) => c.id)).toEqual(started.slice(2, 4));
  const last = (await (
    await eceAdmin(sim, 'GET', `/conversations?limit=2&after=${second.next}`)
  ).json()) as Page;
  expect(last).toEqual({ conversations: [expect.objectContaining({ id: started[4] })], next: null });
});

test('GET /conversations after an unknown id answers 404, and a bad limit 400', async () => {
  const { sim } = await createEceSim();
  await startOk(sim);
  expect((await eceAdmin(sim, 'GET', '/conversations?after=constructor')).status).toBe(404);
  expect((await eceAdmin(sim, 'GET', '/conversations?after=__proto__')).status).toBe(404);
  expect((await eceAdmin(sim, 'GET', '/conversations?limit=0')).status).toBe(400);
  expect((await eceAdmin(sim, 'GET', '/conversations?limit=501')).status).toBe(400);
});

test('control.admin agents.update answers like PUT /agents/:id and changes the agent', async () => {
  const { sim } = await createEceSim();
  const http = await eceAdmin(sim, 'PUT', '/agents/2', { available: false });
  expect(http.status).toBe(200);
  const library = await sim.control.admin('ece', 'agents.update', { id: '2', available: false, maxChats: 4 });
  expect(library).toEqual({ agent: { ...((await http.json()) as { agent: object }).agent, maxChats: 4 } });
  expect(sim.control.state('ece')).toMatchObject({ agents: { '2': { available: false, maxChats: 4 } } });
});

test('control.admin answers a mistake as a ControlError with the admin message and status', async () => {
  const { sim } = await createEceSim();
  await expect(sim.control.admin('ece', 'agents.update', { id: 'nobody' })).rejects.toMatchObject({
    status: 404,
    message: 'No agent "nobody".',
  });
  await expect(
    sim.control.admin('ece', 'entryPoints.update', { id: '__proto__', lastModified: 'x' }),
  ).rejects.toMatchObject({ status: 400 });
  await expect(sim.control.admin('ece', 'settings.update', { nonsense: true })).rejects.toMatchObject({
    status: 400,
  });
});

test('an admin route given a bad body answers 400 in the admin envelope and changes nothing', async () => {
  const { sim } = await createEceSim();
  const before = sim.control.state('ece');
  const res = await eceAdmin(sim, 'PUT', '/agents/1', { maxChats: -1 });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: expect.stringContaining('maxChats') });
  expect(sim.control.state('ece')).toEqual(before);
});

test('the client application listing leaves the secrets out, over HTTP and through control.admin', async () => {
  const { sim } = await createEceSim();
  const http = (await (await eceAdmin(sim, 'GET', '/client-applications')).json()) as {
    clientApplications: Array<Record<string, unknown>>;
  };
  expect(http.clientApplications.length).toBeGreaterThan(0);
  for (const app of http.clientApplications) expect(app).not.toHaveProperty('secret');
  expect(await sim.control.admin('ece', 'clientApplications.list')).toEqual(http);
});

test('an answer of control.admin is a copy: changing it leaves the state alone', async () => {
  const { sim } = await createEceSim();
  const id = (await startOk(sim)).id;
  const answer = (await sim.control.admin('ece', 'conversations.get', { id })) as {
    conversation: { status: string };
  };
  answer.conversation.status = 'completed';
  expect(sim.control.conversations({ provider: 'ece' })[0]).toMatchObject({ id, status: 'waiting' });
});
