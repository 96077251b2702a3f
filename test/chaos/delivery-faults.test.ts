// Delivery faults on the core's delivery path, with the echo test provider and a real receiver on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { admin, startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function setup(seed = 1) {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const sim = await createTestSimulator({
    seed,
    fixtures: { echo: { tokens: [{ id: 'good-token', tenant: 't1' }], webhookUrl: `${receiver.url}/hook` } },
  });
  const start = async () => {
    const res = await sim.app.request('/echo/v1/conversations', {
      method: 'POST',
      headers: { authorization: 'Bearer good-token', 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi' }),
    });
    return ((await res.json()) as { id: string }).id;
  };
  const say = (conversationId: string, text: string) =>
    sim.control.act({ provider: 'echo', conversationId, action: 'agent.say', args: { text } });
  const texts = () => receiver.requests.map((r) => (r.json as { text?: string }).text ?? 'created');
  return { sim, receiver, start, say, texts };
}

test('duplicate delivers the same event twice with the same event id, body and signature headers', async () => {
  const { sim, receiver, start, say } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'duplicate', type: 'agent.text', times: 1 });
  await say(id, 'one');
  await sim.control.idle();
  const [original, copy] = receiver.requests.slice(1);
  expect(copy?.body).toBe(original?.body);
  expect(copy?.headers['x-echo-time']).toBe(original?.headers['x-echo-time']);
  const deliveries = sim.control.deliveries({ type: 'agent.text' });
  expect(deliveries.map((d) => d.eventId)).toEqual([deliveries[0]!.eventId, deliveries[0]!.eventId]);
  expect(deliveries[0]!.chaos?.[0]).toMatchObject({ fault: 'dfault-1', kind: 'duplicate' });
  expect(deliveries[1]!.chaos?.[0]).toMatchObject({ kind: 'duplicate', of: deliveries[0]!.id });
});

test('reorder holds an event back until the next event of its conversation was sent', async () => {
  const { sim, start, say, texts } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'reorder', type: 'agent.text', times: 1 });
  await say(id, 'first');
  await say(id, 'second');
  await sim.control.idle();
  expect(texts()).toEqual(['created', 'second', 'first']);
});

test('reorder releases the held event after maxHold when no later event comes', async () => {
  const { sim, start, say, texts } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'reorder', type: 'agent.text', maxHold: '5s' });
  await say(id, 'alone');
  await sim.control.idle();
  expect(texts()).toEqual(['created']);
  await sim.control.advance('5s');
  expect(texts()).toEqual(['created', 'alone']);
});

test('delay holds an event on the simulator clock, and the events of its conversation behind it', async () => {
  const { sim, start, say, texts } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'delay', type: 'agent.text', by: '10s', times: 1 });
  await say(id, 'late');
  await say(id, 'after');
  await sim.control.advance('9999ms');
  expect(texts()).toEqual(['created']);
  await sim.control.advance('1ms');
  expect(texts()).toEqual(['created', 'late', 'after']);
});

test('drop never sends the event and records it as dropped by the fault', async () => {
  const { sim, start, say, texts } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'drop', type: 'agent.text', times: 1 });
  await say(id, 'lost');
  await say(id, 'kept');
  await sim.control.idle();
  expect(texts()).toEqual(['created', 'kept']);
  const [lost] = sim.control.deliveries({ type: 'agent.text' });
  expect(lost).toMatchObject({
    state: 'dropped',
    attempts: [],
    note: 'dropped by delivery fault dfault-1: never sent',
  });
});

test('staleTimestamp signs an hour ago; unsignedDelivery sends no signing header', async () => {
  const { sim, start, say, receiver } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'staleTimestamp', times: 1 });
  await say(id, 'stale');
  sim.control.addDeliveryFault({ kind: 'unsignedDelivery', times: 1 });
  await say(id, 'unsigned');
  await sim.control.idle();
  const [, stale, unsigned] = receiver.requests;
  expect(Number(stale?.headers['x-echo-time'])).toBe(sim.control.now() - 3_600_000);
  expect(unsigned?.headers['x-echo-time']).toBeUndefined();
  expect(unsigned?.body).toBe(JSON.stringify({ conversationId: id, text: 'unsigned' }));
});

test('burst holds every delivery to the destination while it is down, then sends them all at once', async () => {
  const { sim, start, say, texts } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'burst', type: 'agent.text', during: '30s', times: 1 });
  await say(id, 'a');
  const other = await start();
  await say(other, 'b');
  await say(id, 'c');
  await sim.control.advance('29s');
  expect(texts()).toEqual(['created']);
  await sim.control.advance('1s');
  expect(texts().slice(1).sort()).toEqual(['a', 'b', 'c', 'created']);
  expect(texts().indexOf('a')).toBeLessThan(texts().indexOf('c'));
});

test('unknownEvent sends an event of a type the receiver has never seen, shaped like the matched one, before it', async () => {
  const { sim, start, say, receiver } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'unknownEvent', type: 'conversation.created', times: 1 });
  await start();
  await sim.control.idle();
  const seen = receiver.requests.map((r) => r.json as { id: string; status: string });
  expect(seen).toHaveLength(3);
  expect(seen[1]).toEqual(seen[2]);
  const unknown = sim.control.deliveries({ type: 'CONVOSIM_UNKNOWN_EVENT' });
  expect(unknown[0]?.chaos?.[0]).toMatchObject({
    kind: 'unknownEvent',
    of: sim.control.deliveries().at(-1)?.id,
  });
  await say(id, 'x');
});

test('unknownEvent as a field adds a field to the event body and says so on the delivery', async () => {
  const { sim, start, say, receiver } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'unknownEvent', as: 'field', name: 'mood', times: 1 });
  await say(id, 'x');
  await sim.control.idle();
  expect(receiver.requests.at(-1)?.json).toMatchObject({ text: 'x', mood: { addedBy: 'convosim' } });
  expect(sim.control.deliveries().at(-1)?.chaos?.[0]?.detail).toBe('field "mood" added to the body');
});

test('a ratio fault picks the same deliveries under the same seed, other ones under another seed', async () => {
  const run = async (seed: number) => {
    const { sim, start, say } = await setup(seed);
    const id = await start();
    sim.control.addDeliveryFault({ kind: 'drop', type: 'agent.text', ratio: 0.5 });
    for (let i = 0; i < 20; i++) await say(id, `m${i}`);
    await sim.control.idle();
    return sim.control.deliveries({ type: 'agent.text' }).map((d) => d.state);
  };
  const first = await run(1);
  expect(await run(1)).toEqual(first);
  expect(await run(2)).not.toEqual(first);
  expect(first.filter((s) => s === 'dropped').length).toBeGreaterThan(3);
});

test('faults match by provider, conversation and destination', async () => {
  const { sim, start, say, texts, receiver } = await setup();
  const a = await start();
  const b = await start();
  sim.control.addDeliveryFault({ kind: 'drop', provider: 'other' });
  sim.control.addDeliveryFault({ kind: 'drop', destination: 'http://elsewhere.test' });
  sim.control.addDeliveryFault({ kind: 'drop', conversationId: b, destination: receiver.url });
  await say(a, 'to a');
  await say(b, 'to b');
  await sim.control.idle();
  expect(texts()).toEqual(['created', 'created', 'to a']);
});

test('reset clears delivery faults and their holds', async () => {
  const { sim, start, say } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'burst', during: '1m' });
  await say(id, 'held');
  await sim.control.reset();
  expect(sim.control.deliveryFaults()).toEqual([]);
  expect(sim.control.health().pending.timers).toBe(0);
});

test('the admin API adds, lists and removes delivery faults, and explains a bad one', async () => {
  const { sim } = await setup();
  const created = await admin(sim, 'POST', '/delivery-faults', {
    kind: 'duplicate',
    type: 'TEXT',
    copies: 2,
  });
  expect(created.status).toBe(201);
  expect(await created.json()).toMatchObject({ id: 'dfault-1', kind: 'duplicate', copies: 2, hits: 0 });
  const listed = await admin(sim, 'GET', '/delivery-faults');
  expect(((await listed.json()) as { faults: unknown[] }).faults).toHaveLength(1);
  const bad = await admin(sim, 'POST', '/delivery-faults', { kind: 'drop', copies: 2 });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toContain('is not an option of drop');
  expect((await admin(sim, 'DELETE', '/delivery-faults/dfault-1')).status).toBe(204);
  expect((await admin(sim, 'DELETE', '/delivery-faults/dfault-1')).status).toBe(404);
  expect((await admin(sim, 'DELETE', '/delivery-faults/__proto__')).status).toBe(404);
});

test('a delivery fault with an over-long or invalid type, or an inherited id, answers 400 or 404, never 500', async () => {
  const { sim } = await setup();
  const long = await admin(sim, 'POST', '/delivery-faults', { kind: 'drop', type: 'x'.repeat(100_000) });
  expect(long.status).toBe(400);
  expect((await long.text()).length).toBeLessThan(1000);
  const regex = await admin(sim, 'POST', '/delivery-faults', { kind: 'drop', type: '/(/' });
  expect(regex.status).toBe(400);
  expect(((await regex.json()) as { error: string }).error).toContain('is not a valid /regex/');
  for (const id of ['constructor', 'toString', 'hasOwnProperty']) {
    expect((await admin(sim, 'DELETE', `/delivery-faults/${id}`)).status).toBe(404);
  }
  expect((await admin(sim, 'POST', '/delivery-faults', ['drop'])).status).toBe(400);
  expect(sim.control.deliveryFaults()).toEqual([]);
});

test('unknownEvent as a field named __proto__ adds an own field and leaves the body otherwise as it was', async () => {
  const { sim, start, say, receiver } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'unknownEvent', as: 'field', name: '__proto__', times: 1 });
  await say(id, 'x');
  await sim.control.idle();
  const body = receiver.requests.at(-1)!.body;
  expect(body).toBe(
    JSON.stringify({
      conversationId: id,
      text: 'x',
      ['__proto__']: { addedBy: 'convosim', reason: 'a field the provider may add' },
    }),
  );
  expect(body).toContain('"__proto__":{"addedBy":"convosim"');
  expect(Object.getPrototypeOf(JSON.parse(body))).toBe(Object.prototype);
});

test('the same seed and steps give the same chaos: the same deliveries, faults, times and headers', async () => {
  const run = async () => {
    const { sim, start, say, receiver } = await setup(7);
    const id = await start();
    sim.control.addDeliveryFault({ kind: 'duplicate', ratio: 0.5, after: '3s' });
    sim.control.addDeliveryFault({ kind: 'reorder', ratio: 0.3 });
    sim.control.addDeliveryFault({ kind: 'burst', type: 'agent.text', during: '20s', times: 1 });
    for (let i = 0; i < 12; i++) {
      await say(id, `m${i}`);
      await sim.control.advance('1s');
    }
    await sim.control.advance('2m');
    const deliveries = sim.control.deliveries().map((d) => ({
      id: d.id,
      type: d.type,
      state: d.state,
      chaos: d.chaos,
      attempts: d.attempts.map((a) => ({ time: a.time, headers: a.headers, body: a.body })),
    }));
    return { deliveries, received: receiver.requests.map((r) => r.body) };
  };
  const first = await run();
  expect(first.deliveries.filter((d) => d.chaos).length).toBeGreaterThan(3);
  expect(await run()).toEqual(first);
});

test('an event held back by reorder and released while its destination is down waits for the end of the outage', async () => {
  const { sim, start, say, texts } = await setup();
  const id = await start();
  sim.control.addDeliveryFault({ kind: 'reorder', type: 'agent.text', maxHold: '5s', times: 1 });
  await say(id, 'held');
  const other = await start();
  sim.control.addDeliveryFault({ kind: 'burst', conversationId: other, during: '1m', times: 1 });
  await sim.control.act({
    provider: 'echo',
    conversationId: other,
    action: 'agent.say',
    args: { text: 'down' },
  });
  await sim.control.advance('30s');
  expect(texts()).toEqual(['created', 'created']);
  await sim.control.advance('30s');
  expect(texts().slice(2).sort()).toEqual(['down', 'held']);
});

test('clearing delivery faults keeps numbering them; reset numbers them from 1 again', async () => {
  const { sim } = await setup();
  sim.control.addDeliveryFault({ kind: 'drop' });
  sim.control.clearDeliveryFaults();
  expect(sim.control.addDeliveryFault({ kind: 'drop' }).id).toBe('dfault-2');
  await sim.control.reset();
  expect(sim.control.addDeliveryFault({ kind: 'drop' }).id).toBe('dfault-1');
});

test('a delivery held by a burst when the simulator stops is sent when it starts again from its store file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'convosim-chaos-'));
  const receiver = await startReceiver();
  receivers.push(receiver);
  const options = {
    store: path.join(dir, 'store.json'),
    fixtures: { echo: { tokens: [{ id: 'good-token', tenant: 't1' }], webhookUrl: `${receiver.url}/hook` } },
  };
  const first = await createTestSimulator(options);
  first.control.addDeliveryFault({ kind: 'burst', during: '1h' });
  await startEcho(first);
  expect(first.control.deliveries({ state: 'queued' })).toHaveLength(1);
  await first.close();
  expect(receiver.requests).toHaveLength(0);
  const second = await createTestSimulator(options);
  await second.control.idle();
  expect(receiver.requests).toHaveLength(1);
  expect(second.control.deliveries()[0]).toMatchObject({ state: 'delivered', chaos: [{ kind: 'burst' }] });
  await second.close();
  rmSync(dir, { recursive: true, force: true });
});
