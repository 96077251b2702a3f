// Airkit's admin operations (resources, transcripts): the same over HTTP and through control.admin, and their
// mistakes in the core admin envelope with the Airkit code in `details`.
import { expect, test } from 'vitest';
import { admin, createAirkitSim, type Json, start } from './helpers.ts';

const ADMIN = '/__admin/providers/airkit';

test('control.admin changes a resource as the PATCH route does', async () => {
  const viaHttp = await createAirkitSim();
  const viaControl = await createAirkitSim();
  const http = await admin(viaHttp, 'PATCH', `${ADMIN}/resources/hub-default?secrets=true`, {
    name: 'Renamed',
  });
  const control = await viaControl.control.admin('airkit', 'resources.update', {
    id: 'hub-default',
    name: 'Renamed',
  });
  expect(http.status).toBe(200);
  expect(control).toEqual(http.json);
  expect(viaControl.control.state('airkit')).toEqual(viaHttp.control.state('airkit'));
});

test('control.admin creates a resource, lists it and shows a transcript as the routes do', async () => {
  const sim = await createAirkitSim({ webhookUrl: 'http://sut.test/hook' });
  const created = await sim.control.admin('airkit', 'resources.create', { id: 'r2', hubId: 'hub-main' });
  expect(created).toMatchObject({ id: 'r2', hubId: 'hub-main', channel: 'chat', webhookUrl: null });
  const listed = (await sim.control.admin('airkit', 'resources.list')) as Json;
  expect(listed.resources.map((r: { id: string }) => r.id)).toEqual(['hub-default', 'r2']);
  const conv = await start(sim);
  const transcript = await sim.control.admin('airkit', 'conversations.transcript', { id: conv.id });
  expect(transcript).toEqual((await admin(sim, 'GET', `${ADMIN}/conversations/${conv.id}/transcript`)).json);
});

test('admin mistakes answer the core admin envelope with the Airkit code in details', async () => {
  const sim = await createAirkitSim();
  expect(await admin(sim, 'POST', `${ADMIN}/resources`, { id: 'hub-default', hubId: 'hub-main' })).toEqual({
    status: 409,
    json: { error: "Resource 'hub-default' exists", details: { code: 'ALREADY_EXISTS' } },
  });
  expect(await admin(sim, 'PATCH', `${ADMIN}/resources/ghost`, { name: 'x' })).toEqual({
    status: 404,
    json: { error: "No resource 'ghost'", details: { code: 'RESOURCE_NOT_FOUND' } },
  });
  expect(await admin(sim, 'GET', `${ADMIN}/conversations/conv_nope/transcript`)).toEqual({
    status: 404,
    json: { error: "No conversation 'conv_nope'", details: { code: 'CONVERSATION_NOT_FOUND' } },
  });
  expect(await admin(sim, 'POST', `${ADMIN}/resources`, { id: '__proto__', hubId: 'hub-main' })).toEqual({
    status: 400,
    json: {
      error: 'Invalid resource',
      details: {
        code: 'INVALID_ARGUMENT',
        details: [{ field: 'id', issue: "'__proto__' cannot be a resource id" }],
      },
    },
  });
});

test('control.admin refuses a mistake with the status and details the route answers', async () => {
  const sim = await createAirkitSim();
  await expect(
    sim.control.admin('airkit', 'resources.update', { id: 'hub-default', hubId: 'ghost' }),
  ).rejects.toMatchObject({
    status: 404,
    message: "No Conversation Hub 'ghost'",
    details: { code: 'HUB_NOT_FOUND' },
  });
  expect(sim.control.state('airkit')).toMatchObject({ resources: { 'hub-default': { hubId: 'hub-main' } } });
});

test('admin arguments of the wrong type are refused with 400 in the admin envelope and change nothing', async () => {
  const sim = await createAirkitSim();
  const before = sim.control.state('airkit');
  const res = await admin(sim, 'PATCH', `${ADMIN}/resources/hub-default`, { channel: 'fax' });
  expect(res.status).toBe(400);
  expect(res.json.error).toMatch(/^Invalid args for airkit resources\.update/);
  expect(sim.control.state('airkit')).toEqual(before);
});
