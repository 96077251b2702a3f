// The provider authoring kit, through a provider written only against 'convosim/provider'.
import { createHmac } from 'node:crypto';
import { defineNeutralAction } from 'convosim/provider';
import { expect, test } from 'vitest';
import { z } from 'zod';
import { kitProvider } from '../support/kit-provider.ts';
import { createRecordingSender } from '../support/recording-sender.ts';
import { createTestSimulator } from '../support/simulator.ts';

const HOOK = { url: 'http://127.0.0.1:9/hook', secret: 's3cret' };

async function open(webhook: typeof HOOK | null = HOOK) {
  const receiver = createRecordingSender();
  const sim = await createTestSimulator({
    providers: [kitProvider],
    fixtures: { kit: { webhook } },
    send: receiver.send,
  });
  return { sim, sent: receiver.sent };
}

const post = (sim: Awaited<ReturnType<typeof open>>['sim'], path: string, body: unknown, key = 'kit-key') =>
  sim.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function start(sim: Awaited<ReturnType<typeof open>>['sim']) {
  const res = await post(sim, '/kit/v1/conversations', { customer: 'Ada' });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

test('a refusal thrown by a route is answered with its own status and envelope, not as an internal error', async () => {
  const { sim } = await open();
  const res = await post(sim, '/kit/v1/conversations', { customer: 'Ada' }, 'wrong');
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ error: { status: 401, message: 'Invalid API key' } });
  expect(sim.internalErrors).toEqual([]);
  expect(sim.control.requests()[0]).toMatchObject({ status: 401, provider: 'kit' });
});

test('readJson refuses a malformed body in the envelope of the surface the route belongs to', async () => {
  const { sim } = await open();
  const v1 = await post(sim, '/kit/v1/conversations', '{"customer": ');
  const v2 = await post(sim, '/kit/v2/conversations', '{"customer": ');
  expect(v1.status).toBe(400);
  expect(((await v1.json()) as { error: { message: string } }).error.message).toMatch(/Malformed JSON body/);
  expect(v2.status).toBe(400);
  expect(((await v2.json()) as { errors: { detail: string }[] }).errors[0]!.detail).toMatch(
    /Malformed JSON body/,
  );
  expect(sim.control.state('kit')).toMatchObject({ conversations: {} });
});

test('the core renders its own errors with the renderer of the matched surface', async () => {
  const { sim } = await open();
  const v1 = await sim.app.request('/kit/v1/nowhere');
  const v2 = await sim.app.request('/kit/v2/nowhere');
  expect(v1.status).toBe(404);
  expect(Object.keys((await v1.json()) as object)).toEqual(['error']);
  expect(v2.status).toBe(404);
  expect(Object.keys((await v2.json()) as object)).toEqual(['errors']);
});

test('typed events are delivered with the signature the typed meta feeds', async () => {
  const { sim, sent } = await open();
  const id = await start(sim);
  await sim.control.idle();
  expect(sent).toHaveLength(1);
  const [created] = sent;
  expect(created!.json).toEqual({ event: 'conversation.created', conversationId: id });
  const time = sim.control.deliveries()[0]!.attempts[0]!.time;
  expect(created!.headers['x-kit-signature']).toBe(
    createHmac('sha256', HOOK.secret).update(`${time}.${created!.body}`).digest('hex'),
  );
});

test("the core's raw.event posts the body as is to the provider's webhook targets, signed", async () => {
  const { sim, sent } = await open();
  const id = await start(sim);
  const result = await sim.control.act({
    provider: 'kit',
    conversationId: id,
    action: 'raw.event',
    args: { type: 'odd.event', body: { anything: [1, 2] }, headers: { 'x-extra': 'yes' } },
  });
  expect(result).toMatchObject({ conversationId: id, eventIds: [expect.any(String)] });
  await sim.control.idle();
  const raw = sent.at(-1)!;
  expect(raw.json).toEqual({ anything: [1, 2] });
  expect(raw.headers).toMatchObject({ 'x-extra': 'yes', 'x-kit-signature': expect.any(String) });
  expect(sim.control.deliveries({ type: 'odd.event' })[0]!.meta).toMatchObject({
    secret: HOOK.secret,
    raw: true,
  });
});

test('raw.event where the provider names no target answers 409 with its reason and sends nothing', async () => {
  const { sim, sent } = await open(null);
  const id = await start(sim);
  await expect(
    sim.control.act({
      provider: 'kit',
      conversationId: id,
      action: 'raw.event',
      args: { type: 'x', body: {} },
    }),
  ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/No webhook is set/) });
  await sim.control.idle();
  expect(sent).toEqual([]);
});

test('raw.event refuses a body nested deeper than 64 levels with 400', async () => {
  const { sim } = await open();
  const id = await start(sim);
  let body: unknown = 'leaf';
  for (let i = 0; i < 100; i++) body = { next: body };
  await expect(
    sim.control.act({ provider: 'kit', conversationId: id, action: 'raw.event', args: { type: 'x', body } }),
  ).rejects.toMatchObject({ status: 400 });
});

test("a neutral verb takes the provider's extra arguments and refuses unknown ones", async () => {
  const { sim, sent } = await open();
  const id = await start(sim);
  await sim.control.act({
    provider: 'kit',
    conversationId: id,
    action: 'agent.say',
    args: { text: 'hi', agentName: 'Bo' },
  });
  await sim.control.idle();
  expect(sent.at(-1)!.json).toMatchObject({ from: 'agent', text: 'Bo: hi' });
  await expect(
    sim.control.act({
      provider: 'kit',
      conversationId: id,
      action: 'agent.say',
      args: { text: 'hi', mood: 1 },
    }),
  ).rejects.toMatchObject({ status: 400 });
});

test('a provider may extend a neutral verb but not redefine its arguments', () => {
  expect(() =>
    defineNeutralAction('agent.say', 'redefines text', () => null, { extend: { text: z.number() } }),
  ).toThrow(/'text' is neutral/);
});

test('an admin operation answers the same over HTTP and through control.admin', async () => {
  const { sim } = await open(null);
  const http = await sim.app.request('/__admin/providers/kit/webhook', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/a', secret: 'x' }),
  });
  expect(http.status).toBe(200);
  expect(await http.json()).toEqual({ webhook: { url: 'http://127.0.0.1:9/a', secret: '[redacted]' } });
  expect(await sim.control.admin('kit', 'webhook.set', { url: 'http://127.0.0.1:9/b' })).toEqual({
    webhook: { url: 'http://127.0.0.1:9/b', secret: 'kit-secret' },
  });
  const id = await start(sim);
  const one = await sim.app.request(`/__admin/providers/kit/conversations/${id}`);
  expect(((await one.json()) as { conversation: { id: string } }).conversation.id).toBe(id);
});

test('admin mistakes get the one admin envelope, whatever the provider', async () => {
  const { sim } = await open();
  const bad = await sim.app.request('/__admin/providers/kit/webhook', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'not a url' }),
  });
  expect(bad.status).toBe(400);
  expect(await bad.json()).toEqual({ error: expect.stringMatching(/^Invalid args for kit webhook.set/) });
  const missing = await sim.app.request('/__admin/providers/kit/conversations/nope');
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ error: 'No conversation "nope"', details: { id: 'nope' } });
  const proto = await sim.app.request('/__admin/providers/kit/conversations/__proto__');
  expect(proto.status).toBe(400);
  await expect(sim.control.admin('kit', 'nope')).rejects.toMatchObject({ status: 404 });
  const twice = await sim.app.request('/__admin/providers/kit/conversations/a?id=b');
  expect(twice.status).toBe(400);
});

test('a provider that implements a neutral verb without defineNeutralAction is refused when assembled', async () => {
  const redefined = {
    ...kitProvider,
    actions: {
      'agent.say': { description: 'own args', args: z.object({ words: z.string() }), run: () => null },
    },
  };
  await expect(createTestSimulator({ providers: [redefined] })).rejects.toThrow(
    /agent\.say is a neutral verb; build it with defineNeutralAction/,
  );
});

test('a provider that names its webhook targets may not bring its own raw.event', async () => {
  const own = {
    ...kitProvider,
    actions: { 'raw.event': { description: 'mine', args: z.object({}), run: () => null } },
  };
  await expect(createTestSimulator({ providers: [own] })).rejects.toThrow(/raw\.event is the core's/);
});
