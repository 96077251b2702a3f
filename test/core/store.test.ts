import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { createStore } from '../../src/store.ts';
import { startReceiver } from '../support/receiver.ts';
import { startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'convosim-store-')), 'nested', 'db.json');

test('state, journal and virtual time survive a restart on the same store file', async () => {
  const file = tempFile();
  const first = await createTestSimulator({ store: file });
  const { id } = (await (await startEcho(first)).json()) as { id: string };
  await first.control.advance('90s');
  await first.close();

  const second = await createTestSimulator({ store: file });
  expect((await second.app.request(`/echo/v1/conversations/${id}`)).status).toBe(200);
  expect(second.control.requests()).toHaveLength(2);
  expect(second.control.now()).toBe(first.control.now());
  const { id: next } = (await (await startEcho(second)).json()) as { id: string };
  expect(next).not.toBe(id);
  expect(second.control.requests().at(-1)?.id).toBe('req-3');
});

test('a burst of changes is coalesced into a few writes of the store file', async () => {
  const store = await createStore({ location: tempFile(), seed: 1, flushDelayMs: 20 });
  await store.flush();
  const before = store.writes();
  store.replace('p', { n: 0 });
  for (let i = 0; i < 500; i++)
    store.update<{ n: number }, void>('p', (d) => {
      d.n += 1;
    });
  await store.flush();
  expect(store.writes() - before).toBe(1);
  expect(JSON.parse(readFileSync(store.location, 'utf8')).providers.p).toEqual({ n: 500 });
});

test('a burst of requests does not rewrite the store once per request', async () => {
  const file = tempFile();
  const sim = await createTestSimulator({ store: file, flushDelayMs: 50 });
  await sim.store.flush();
  const before = sim.store.writes();
  await Promise.all(Array.from({ length: 100 }, () => startEcho(sim)));
  await sim.close();
  expect(sim.store.writes() - before).toBeLessThan(25);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  expect(saved.journal).toHaveLength(100);
});

test('an update that throws changes nothing', async () => {
  const store = await createStore({ location: 'memory', seed: 1 });
  store.replace('p', { items: [1, 2], name: 'a' });
  expect(() =>
    store.update<{ items: number[]; name: string }, void>('p', (d) => {
      d.items.push(3);
      d.name = 'b';
      throw new Error('half way');
    }),
  ).toThrow('half way');
  expect(store.data.providers.p).toEqual({ items: [1, 2], name: 'a' });
});

test('a store file that is not JSON is refused with a one-line reason', async () => {
  const file = tempFile();
  await (await createStore({ location: file, seed: 1 })).flush();
  writeFileSync(file, '{ not json');
  await expect(createStore({ location: file, seed: 1 })).rejects.toThrow(
    /is not valid JSON\. Please delete it/,
  );
});

test('a JSON file that is not a convosim store is refused', async () => {
  const file = tempFile();
  await (await createStore({ location: file, seed: 1 })).flush();
  writeFileSync(file, '{"hello":"world"}');
  await expect(createStore({ location: file, seed: 1 })).rejects.toThrow(/is not a convosim store/);
});

test('reset restores the fixtures and clears journal, deliveries and faults', async () => {
  const receiver = await startReceiver();
  const sim = await createTestSimulator({
    fixtures: { echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: receiver.url } },
  });
  const initial = structuredClone(sim.control.conversations());
  const firstBody = await (await startEcho(sim)).text();
  await sim.control.idle();
  sim.control.addFault({ provider: 'echo', path: '/nothing', status: 500 });
  expect(sim.control.conversations()).toHaveLength(1);

  await sim.control.reset();
  expect(sim.control.conversations()).toEqual(initial);
  expect(sim.control.requests()).toEqual([]);
  expect(sim.control.deliveries()).toEqual([]);
  expect(sim.control.faults()).toEqual([]);
  expect(await (await startEcho(sim)).text()).toBe(firstBody);
  await receiver.close();
});

test('deliveries left unsettled by a stopped process are resumed at the next start', async () => {
  const file = tempFile();
  const receiver = await startReceiver({ respond: 503 });
  const fixtures = { echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: receiver.url } };
  const first = await createTestSimulator({ store: file, fixtures });
  await startEcho(first);
  await first.control.idle();
  expect(first.control.deliveries()[0]?.state).toBe('retrying');
  await first.close();

  receiver.respondWith(200);
  const second = await createTestSimulator({ store: file, fixtures });
  await second.control.idle();
  const [delivery] = second.control.deliveries();
  expect(delivery?.state).toBe('delivered');
  expect(delivery?.attempts.map((a) => a.status)).toEqual([503, 200]);
  expect(receiver.requests).toHaveLength(2);
  await receiver.close();
});

test('a delivery in flight when the simulator closes is sent again at the next start, not lost', async () => {
  const file = tempFile();
  const fixtures = {
    echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: 'http://hooks.test/echo' },
  };
  let release: (status: number) => void = () => {};
  const first = await createTestSimulator({
    store: file,
    fixtures,
    send: () => new Promise((resolve) => (release = (status) => resolve({ status, body: '' }))),
  });
  await startEcho(first);
  expect(first.control.deliveries()[0]?.state).toBe('in-flight');
  await first.close();
  release(200);
  await first.close();

  const sent: string[] = [];
  const second = await createTestSimulator({
    store: file,
    fixtures,
    send: async (request) => {
      sent.push(request.body);
      return { status: 200, body: '' };
    },
  });
  await second.control.idle();
  expect(sent).toHaveLength(1);
  expect(second.control.deliveries()[0]).toMatchObject({ state: 'delivered', attempts: [{ status: 200 }] });
});
