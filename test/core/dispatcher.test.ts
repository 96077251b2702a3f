import { expect, test } from 'vitest';
import type { Sender } from '../../src/dispatcher.ts';
import { startReceiver } from '../support/receiver.ts';
import { startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

const withWebhook = (url: string) => ({
  echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: url },
});

test('the API response never waits for the webhook it caused', async () => {
  let release: () => void = () => {};
  const sent: string[] = [];
  const send: Sender = (req) =>
    new Promise((resolve) => {
      sent.push(req.body);
      release = () => resolve({ status: 200, body: '' });
    });
  const sim = await createTestSimulator({ send, fixtures: withWebhook('http://127.0.0.1:9/hook') });
  const res = await startEcho(sim);
  expect(res.status).toBe(201);
  expect(sim.control.deliveries()[0]?.state).toBe('in-flight');
  release();
  await sim.control.idle();
  expect(sim.control.deliveries()[0]?.state).toBe('delivered');
  expect(sent).toHaveLength(1);
});

test('a failed delivery is retried on the provider schedule with its signing hook run per attempt', async () => {
  const receiver = await startReceiver({ respond: 500 });
  const sim = await createTestSimulator({ fixtures: withWebhook(receiver.url) });
  await startEcho(sim);
  await sim.control.idle();
  expect(receiver.requests).toHaveLength(1);
  await sim.control.advance(999);
  expect(receiver.requests).toHaveLength(1);
  await sim.control.advance(1);
  expect(receiver.requests).toHaveLength(2);
  receiver.respondWith(204);
  await sim.control.advance(2000);
  const [delivery] = sim.control.deliveries();
  expect(delivery?.state).toBe('delivered');
  expect(delivery?.attempts.map((a) => [a.attempt, a.status, a.headers['x-echo-attempt']])).toEqual([
    [0, 500, '0'],
    [1, 500, '1'],
    [2, 204, '2'],
  ]);
  const times = delivery!.attempts.map((a) => a.time - delivery!.createdAt);
  expect(times).toEqual([0, 1000, 3000]);
  expect(receiver.requests.map((r) => r.headers['x-echo-time'])).toEqual(
    times.map((t) => String(t + delivery!.createdAt)),
  );
  await receiver.close();
});

test('a receiver that is down gets retries until the schedule is exhausted, each attempt recorded', async () => {
  const receiver = await startReceiver();
  const downUrl = receiver.url;
  await receiver.close();
  const sim = await createTestSimulator({ fixtures: withWebhook(downUrl) });
  await startEcho(sim);
  await sim.control.advance('10s');
  const [delivery] = sim.control.deliveries();
  expect(delivery?.state).toBe('failed');
  expect(delivery?.attempts).toHaveLength(3);
  for (const attempt of delivery!.attempts) {
    expect(attempt).toMatchObject({ status: null, ok: false, url: downUrl });
    expect(attempt.error).toMatch(/ECONNREFUSED/);
    expect(attempt.latencyMs).toBeGreaterThanOrEqual(0);
  }
});

test('a timeout counts as a failed attempt and is retried', async () => {
  let calls = 0;
  const send: Sender = async () => {
    calls++;
    if (calls === 1) throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    return { status: 200, body: 'ok' };
  };
  const sim = await createTestSimulator({ send, fixtures: withWebhook('http://127.0.0.1:9/hook') });
  await startEcho(sim);
  await sim.control.advance('1s');
  const [delivery] = sim.control.deliveries();
  expect(delivery?.attempts.map((a) => a.error)).toEqual(['timeout after 1000 ms', null]);
  expect(delivery?.state).toBe('delivered');
});

test('deliveries of one conversation are sent in order, the next waiting for the one before', async () => {
  const receiver = await startReceiver({
    respond: (r) => ((r.json as { text?: string }).text === 'first' ? 500 : 200),
  });
  const sim = await createTestSimulator({ fixtures: withWebhook(receiver.url) });
  const { id } = (await (await startEcho(sim)).json()) as { id: string };
  await sim.control.idle();
  await sim.control.act({
    provider: 'echo',
    conversationId: id,
    action: 'agent.say',
    args: { text: 'first' },
  });
  await sim.control.act({
    provider: 'echo',
    conversationId: id,
    action: 'agent.say',
    args: { text: 'second' },
  });
  await sim.control.idle();
  expect(receiver.requests.map((r) => (r.json as { text?: string }).text)).toEqual([undefined, 'first']);
  receiver.respondWith(200);
  await sim.control.advance('1s');
  expect(receiver.requests.map((r) => (r.json as { text?: string }).text)).toEqual([
    undefined,
    'first',
    'first',
    'second',
  ]);
  await receiver.close();
});

test('deliveries of different conversations do not wait for each other', async () => {
  const receiver = await startReceiver({
    respond: (r) => ((r.json as { messages: string[] }).messages[0] === 'a' ? 500 : 200),
  });
  const sim = await createTestSimulator({ fixtures: withWebhook(receiver.url) });
  await startEcho(sim, 'a');
  await startEcho(sim, 'b');
  await sim.control.idle();
  expect(sim.control.deliveries().map((d) => d.state)).toEqual(['retrying', 'delivered']);
  await receiver.close();
});

test('every delivery has a stable event id distinct from the others', async () => {
  const receiver = await startReceiver({ respond: 500 });
  const sim = await createTestSimulator({ fixtures: withWebhook(receiver.url) });
  await startEcho(sim, 'a');
  await startEcho(sim, 'b');
  await sim.control.advance('5s');
  const [a, b] = sim.control.deliveries();
  expect(a?.eventId).toMatch(/^[A-Za-z0-9]{22}$/);
  expect(a?.eventId).not.toBe(b?.eventId);
  expect(a?.attempts).toHaveLength(3);
  await receiver.close();
});

test('waitForDelivery resolves for a delivery already made and for one still to come', async () => {
  const receiver = await startReceiver();
  const sim = await createTestSimulator({ fixtures: withWebhook(receiver.url) });
  await startEcho(sim);
  const first = await sim.control.waitForDelivery({ type: 'conversation.created' });
  expect(first.attempts[0]?.status).toBe(200);
  const id = first.conversationId;
  await sim.app.request(`/echo/v1/conversations/${id}/later`, { method: 'POST' });
  const later = sim.control.waitForDelivery({ type: 'later', state: 'delivered' });
  await sim.control.advance('2s');
  expect((await later).body).toBe(`{"id":"${id}","at":1735689602000}`);
  await receiver.close();
});

test('waitForDelivery gives up after its timeout with what it saw instead', async () => {
  const sim = await createTestSimulator();
  await expect(sim.control.waitForDelivery({ type: 'never' }, { timeoutMs: 20 })).rejects.toThrow(
    /No delivery matching \{"type":"never"\} within 20 ms\. Last deliveries: none\. The clock is virtual/,
  );
});

test('idle waits for scheduled tasks on a real clock', async () => {
  const receiver = await startReceiver();
  const sim = await createTestSimulator({ clock: 'real', fixtures: withWebhook(receiver.url) });
  const { id } = (await (await startEcho(sim)).json()) as { id: string };
  await sim.app.request(`/echo/v1/conversations/${id}/later?ms=20`, { method: 'POST' });
  expect(sim.control.health().pending.timers).toBe(1);
  await sim.control.idle({ timeoutMs: 5000 });
  expect(receiver.requests.map((r) => (r.json as { id?: string }).id)).toEqual([id, id]);
  await receiver.close();
});

test('a scheduled provider task that throws is logged and the simulator keeps serving', async () => {
  const logged: string[] = [];
  const sim = await createTestSimulator({
    clock: 'real',
    logger: (level, message) => logged.push(`${level} ${message}`),
  });
  const { id } = (await (await startEcho(sim)).json()) as { id: string };
  await sim.app.request(`/echo/v1/conversations/${id}/later?ms=5&fail=1`, { method: 'POST' });
  await sim.control.idle();
  expect(logged).toEqual(['error echo: a scheduled task failed']);
  expect((await startEcho(sim)).status).toBe(201);
});
