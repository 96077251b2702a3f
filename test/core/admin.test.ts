import { expect, test } from 'vitest';
import { startReceiver } from '../support/receiver.ts';
import { admin, startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

test('health reports readiness, providers, clock, seed and store', async () => {
  const sim = await createTestSimulator({ seed: 7 });
  const res = await admin(sim, 'GET', '/health');
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({
    status: 'ok',
    ready: true,
    providers: [{ name: 'echo', basePaths: ['/echo/v1'] }],
    clock: { kind: 'virtual', now: '2025-01-01T00:00:00.000Z' },
    seed: 7,
    store: 'memory',
  });
});

test('every provider request is journaled with route, status and both bodies', async () => {
  const sim = await createTestSimulator();
  await startEcho(sim, 'hello');
  await sim.app.request('/echo/v1/conversations/nope?x=1');
  const { requests } = (await (await admin(sim, 'GET', '/requests')).json()) as { requests: unknown[] };
  expect(requests).toMatchObject([
    {
      id: 'req-1',
      provider: 'echo',
      method: 'POST',
      path: '/echo/v1/conversations',
      route: '/echo/v1/conversations',
      requestBody: '{"text":"hello"}',
      status: 201,
    },
    { id: 'req-2', method: 'GET', route: '/echo/v1/conversations/:id', query: '?x=1', status: 404 },
  ]);
  expect((requests[0] as { responseBody: string }).responseBody).toContain('"status":"open"');
});

test('the journal can be filtered, counted and cleared', async () => {
  const sim = await createTestSimulator();
  await startEcho(sim);
  await startEcho(sim, 'x', 'bad-token');
  await sim.app.request('/echo/v1/conversations/nope');
  const count = async (query: string) =>
    ((await (await admin(sim, 'GET', `/requests/count${query}`)).json()) as { count: number }).count;
  expect(await count('')).toBe(3);
  expect(await count('?status=401')).toBe(1);
  expect(await count('?method=post')).toBe(2);
  expect(await count('?path=**/nope')).toBe(1);
  expect(await count('?route=/echo/v1/conversations/:id')).toBe(1);
  expect(await count('?provider=other')).toBe(0);
  expect(sim.control.requests({ limit: 1 })[0]?.path).toBe('/echo/v1/conversations/nope');
  expect((await admin(sim, 'DELETE', '/requests')).status).toBe(204);
  expect(await count('')).toBe(0);
});

test('admin requests are not journaled', async () => {
  const sim = await createTestSimulator();
  await admin(sim, 'GET', '/health');
  await admin(sim, 'GET', '/requests');
  expect(sim.control.countRequests()).toBe(0);
});

test('an invalid journal filter answers 400 with what is wrong', async () => {
  const sim = await createTestSimulator();
  const res = await admin(sim, 'GET', '/requests?status=abc&colour=red');
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: string }).error).toMatch(/Invalid query/);
});

test('the delivery log lists every webhook with its attempts and can be awaited over HTTP', async () => {
  const receiver = await startReceiver();
  const sim = await createTestSimulator({
    fixtures: { echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: receiver.url } },
  });
  await startEcho(sim);
  const waited = await admin(
    sim,
    'GET',
    '/deliveries/wait?type=conversation.created&state=delivered&timeout=2s',
  );
  expect(waited.status).toBe(200);
  const { deliveries } = (await (await admin(sim, 'GET', '/deliveries?provider=echo')).json()) as {
    deliveries: { type: string; attempts: { status: number; headers: Record<string, string> }[] }[];
  };
  expect(deliveries).toHaveLength(1);
  expect(deliveries[0]?.attempts[0]).toMatchObject({ status: 200, headers: { 'x-echo-attempt': '0' } });
  const timeout = await admin(sim, 'GET', '/deliveries/wait?type=nothing&timeout=10ms');
  expect(timeout.status).toBe(408);
  expect((await admin(sim, 'GET', '/idle?timeout=1s')).status).toBe(200);
  await receiver.close();
});

test('conversations are listed across providers', async () => {
  const sim = await createTestSimulator();
  const { id } = (await (await startEcho(sim)).json()) as { id: string };
  const res = await admin(sim, 'GET', '/conversations');
  expect(await res.json()).toEqual({
    conversations: [{ provider: 'echo', id, status: 'open', createdAt: 1735689600000 }],
    next: null,
  });
  expect(await (await admin(sim, 'GET', '/conversations?provider=none')).json()).toEqual({
    conversations: [],
    next: null,
  });
});

test('the virtual clock is advanced through the admin API', async () => {
  const sim = await createTestSimulator();
  const res = await admin(sim, 'POST', '/clock/advance', { by: '1m' });
  expect(await res.json()).toEqual({ now: 1735689660000 });
  expect(await (await admin(sim, 'GET', '/clock')).json()).toEqual({
    now: 1735689660000,
    iso: '2025-01-01T00:01:00.000Z',
  });
  expect((await admin(sim, 'POST', '/clock/advance', { by: 'soon' })).status).toBe(400);
  expect((await admin(sim, 'POST', '/clock/advance', { by: -5 })).status).toBe(400);
});

test('advancing a real clock is refused with an explanation', async () => {
  const sim = await createTestSimulator({ clock: 'real' });
  const res = await admin(sim, 'POST', '/clock/advance', { by: 1000 });
  expect(res.status).toBe(409);
  expect(((await res.json()) as { error: string }).error).toMatch(/--clock virtual/);
});

test('agent actions run through the admin API with validated arguments', async () => {
  const sim = await createTestSimulator();
  const { id } = (await (await startEcho(sim)).json()) as { id: string };
  const ok = await admin(sim, 'POST', `/conversations/echo/${id}/actions`, {
    action: 'agent.say',
    args: { text: 'hi' },
  });
  expect(await ok.json()).toEqual({ result: { said: 'hi' } });
  const conversation = await (await sim.app.request(`/echo/v1/conversations/${id}`)).json();
  expect((conversation as { messages: string[] }).messages.at(-1)).toBe('hi');

  const badArgs = await admin(sim, 'POST', `/conversations/echo/${id}/actions`, {
    action: 'agent.say',
    args: { text: 5 },
  });
  expect(badArgs.status).toBe(400);
  const unknownAction = await admin(sim, 'POST', `/conversations/echo/${id}/actions`, {
    action: 'agent.dance',
  });
  expect(((await unknownAction.json()) as { error: string }).error).toMatch(
    /has no action "agent.dance". Actions: agent.complete, agent.say/,
  );
  const unknownProvider = await admin(sim, 'POST', `/conversations/nope/${id}/actions`, {
    action: 'agent.say',
  });
  expect(unknownProvider.status).toBe(404);
  const unknownConversation = await admin(sim, 'POST', '/conversations/echo/missing/actions', {
    action: 'agent.say',
    args: { text: 'hi' },
  });
  expect(unknownConversation.status).toBe(409);
  expect(await (await admin(sim, 'GET', '/actions')).json()).toEqual({
    actions: [
      { provider: 'echo', action: 'agent.complete', description: 'The agent ends the conversation' },
      { provider: 'echo', action: 'agent.say', description: 'The agent says something' },
    ],
  });
});

test('malformed admin JSON answers 400 and a wrong content type 415', async () => {
  const sim = await createTestSimulator();
  expect((await admin(sim, 'POST', '/faults', '{"status":')).status).toBe(400);
  const res = await sim.app.request('/__admin/faults', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: 'a,b',
  });
  expect(res.status).toBe(415);
  expect(sim.control.faults()).toEqual([]);
});

test('an unknown admin route lists the admin routes', async () => {
  const sim = await createTestSimulator();
  const res = await admin(sim, 'GET', '/nope');
  expect(res.status).toBe(404);
  expect(((await res.json()) as { routes: string[] }).routes).toContain('GET /__admin/health');
});
