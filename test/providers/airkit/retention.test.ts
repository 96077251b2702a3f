// Issue 9 deliverable 4: with `retain`, ended Airkit conversations are deleted once the retention time has passed.
import { rmSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { slicePagedIds } from '../../../src/provider/index.ts';
import type { AirkitState } from '../../../src/providers/airkit/model.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { guardScans } from '../../support/scan-guard.ts';
import { writeStoreFile } from '../../support/store-file.ts';
import { call, createAirkitSim, type Json, start } from './helpers.ts';

const BASE = '/airkit/v1/conversations';
/** A conversation id no start ever returned, to compare answers with. */
const UNKNOWN = 'conv_NeverStarted0000';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const state = (sim: Simulator) => sim.control.state('airkit') as AirkitState;

const act = (sim: Simulator, conversationId: string, action: string, args: unknown = {}) =>
  sim.control.act({ provider: 'airkit', conversationId, action, args });

/** Any provider request: expiry is swept at the next one, just after it is answered. */
async function sweep(sim: Simulator): Promise<void> {
  await call(sim, 'GET', `${BASE}?pageSize=1`);
  await Promise.resolve();
}

/** What the routes and the admin API answer about `id`, with the id written as UNKNOWN. */
async function answersAbout(sim: Simulator, id: string) {
  const admin = await sim.app.request(`/__admin/providers/airkit/conversations/${id}/transcript`);
  const answers = [
    await call(sim, 'GET', `${BASE}/${id}`),
    await call(sim, 'GET', `${BASE}/${id}/messages`),
    await call(sim, 'POST', `${BASE}/${id}/messages`, { text: 'still there?' }),
    await call(sim, 'POST', `${BASE}/${id}/end`),
    { status: admin.status, json: await admin.json() },
  ];
  return answers.map((a) => `${a.status} ${JSON.stringify(a.json).replaceAll(id, UNKNOWN)}`);
}

/** Webhooks go to a fake receiver that answers 200. */
const hooks = { webhookUrl: 'http://sut.test/hook', send: async () => ({ status: 200, body: '' }) };

const idsOf = (res: { json: Json }) => res.json.conversations.map((c: { id: string }) => c.id);

test('with retain, an ended Airkit conversation is gone after the retention time, with its messages and index entries, and lists and lookups answer as for an unknown id', async () => {
  const sim = await createAirkitSim({ retain: '1h', ...hooks });
  const first = await start(sim);
  const ended = await start(sim);
  const last = await start(sim);
  await call(sim, 'POST', `${BASE}/${ended.id}/messages`, { text: 'Hi, how can I help?' });
  await act(sim, ended.id, 'customer.say', { text: 'My order' });
  const messageIds = [...state(sim).index.messagesOfConversation[ended.id]!];
  expect(messageIds).toHaveLength(2);
  await act(sim, ended.id, 'customer.leave');

  await sim.control.advance('59m');
  await sweep(sim);
  expect((await call(sim, 'GET', `${BASE}/${ended.id}`)).status).toBe(200);

  await sim.control.advance('2m');
  await sweep(sim);
  const s = state(sim);
  expect(Object.keys(s.conversations)).toEqual([first.id, last.id]);
  for (const id of messageIds) expect(Object.hasOwn(s.messages, id)).toBe(false);
  expect(Object.hasOwn(s.index.messagesOfConversation, ended.id)).toBe(false);
  expect(Object.hasOwn(s.index.conversations.slots, ended.id)).toBe(false);
  expect(slicePagedIds(s.index.conversations, 0, 10)).toEqual([first.id, last.id]);
  expect(slicePagedIds(s.index.conversationsOfResource['hub-default']!, 0, 10)).toEqual([first.id, last.id]);

  const answers = await answersAbout(sim, ended.id);
  expect(answers[0]).toMatch(/^404 .*CONVERSATION_NOT_FOUND/);
  expect(answers).toEqual(await answersAbout(sim, UNKNOWN));
  const page = await call(sim, 'GET', `${BASE}?pageSize=1&pageToken=1`);
  expect(page.json).toEqual({
    conversations: [expect.objectContaining({ id: last.id })],
    nextPageToken: null,
  });
  expect(idsOf(await call(sim, 'GET', `${BASE}?conversationHubChannelResource=hub-default`))).toEqual([
    first.id,
    last.id,
  ]);
  expect(sim.control.conversations({ provider: 'airkit' }).map((c) => c.id)).toEqual([first.id, last.id]);
  await expect(act(sim, ended.id, 'customer.say', { text: 'x' })).rejects.toThrow();
});

test('an Airkit conversation still open after the retention time is kept', async () => {
  const sim = await createAirkitSim({ retain: '1h', ...hooks });
  const awaiting = await start(sim);
  const active = await start(sim);
  const unmanaged = await start(sim, { managedByThirdPartySystem: false });
  await call(sim, 'POST', `${BASE}/${active.id}/messages`, { text: 'Hello' });
  await sim.control.advance('3h');
  await sweep(sim);
  for (const c of [awaiting, active, unmanaged]) {
    expect((await call(sim, 'GET', `${BASE}/${c.id}`)).status).toBe(200);
  }
  expect(state(sim).index.conversations.size).toBe(3);
});

test('with more than 1,000 Airkit conversations stored, expiring one walks no collection', async () => {
  const sim = await createAirkitSim({ retain: '1h', ...hooks });
  const ids: string[] = [];
  for (let i = 0; i < 1050; i++) ids.push((await start(sim)).id);
  const victim = ids[500]!;
  await call(sim, 'POST', `${BASE}/${victim}/messages`, { text: 'Hello' });
  await call(sim, 'POST', `${BASE}/${victim}/end`);
  await sim.control.advance('61m');
  await sim.control.idle();
  expect(Object.hasOwn(state(sim).conversations, victim)).toBe(true);
  const { scans } = await guardScans(1000, () => sweep(sim));
  expect(scans).toEqual([]);
  const s = state(sim);
  expect(Object.hasOwn(s.conversations, victim)).toBe(false);
  expect(s.index.conversations.size).toBe(1049);
  const page = await call(sim, 'GET', `${BASE}?pageSize=3&pageToken=499`);
  expect(idsOf(page)).toEqual([ids[499], ids[501], ids[502]]);
  expect(page.json.nextPageToken).toBe('502');
  const admin = sim.control.conversations({ provider: 'airkit', after: `airkit:${ids[499]}`, limit: 2 });
  expect(admin.map((c) => c.id)).toEqual([ids[501], ids[502]]);
});

test('a store that keeps conversation ids in arrays (before expiry existed) is indexed at start and keeps its order', async () => {
  const before = await createAirkitSim(hooks);
  const first = await start(before);
  const second = await start(before);
  await call(before, 'POST', `${BASE}/${first.id}/messages`, { text: 'hello' });
  const current = before.control.state('airkit') as Json;
  const { conversations: _paged, conversationsOfResource: _byResource, ...rest } = current.index;
  const earlier = {
    ...current,
    index: {
      ...rest,
      conversationIds: [first.id, second.id],
      conversationsOfResource: { 'hub-default': [first.id, second.id] },
    },
  };
  const file = writeStoreFile(dirs, 'airkit', earlier);

  const sim = await createAirkitSim({ store: file, retain: '1h', ...hooks });
  expect(idsOf(await call(sim, 'GET', BASE))).toEqual([first.id, second.id]);
  expect(idsOf(await call(sim, 'GET', `${BASE}?conversationHubChannelResource=hub-default`))).toEqual([
    first.id,
    second.id,
  ]);
  const messages = await call(sim, 'GET', `${BASE}/${first.id}/messages`);
  expect(messages.json.messages.map((m: { text: string }) => m.text)).toEqual(['hello']);
  await call(sim, 'POST', `${BASE}/${first.id}/end`);
  await sim.control.advance('61m');
  await sweep(sim);
  expect(idsOf(await call(sim, 'GET', BASE))).toEqual([second.id]);
  await sim.close();
});

test('a store whose paged conversation ids keep their buckets in an array is re-indexed at start, in order', async () => {
  const before = await createAirkitSim(hooks);
  const ids = [(await start(before)).id, (await start(before)).id, (await start(before)).id];
  const current = before.control.state('airkit') as Json;
  // As the version before keyed buckets stored it: one array of buckets, each with its ids.
  const asArrayBuckets = (list: string[]) => ({
    size: list.length,
    next: list.length,
    slots: Object.fromEntries(list.map((id, i) => [id, i])),
    buckets: [{ from: 0, live: list.length, ids: list }],
  });
  const earlier = {
    ...current,
    index: {
      ...current.index,
      conversations: asArrayBuckets(ids),
      conversationsOfResource: { 'hub-default': asArrayBuckets(ids) },
    },
  };
  const file = writeStoreFile(dirs, 'airkit', earlier);

  const sim = await createAirkitSim({ store: file, retain: '1h', ...hooks });
  expect(idsOf(await call(sim, 'GET', BASE))).toEqual(ids);
  expect(idsOf(await call(sim, 'GET', `${BASE}?conversationHubChannelResource=hub-default`))).toEqual(ids);
  expect(Array.isArray((sim.control.state('airkit') as Json).index.conversations.buckets)).toBe(false);
  await call(sim, 'POST', `${BASE}/${ids[1]}/end`);
  await sim.control.advance('61m');
  await sweep(sim);
  expect(idsOf(await call(sim, 'GET', BASE))).toEqual([ids[0], ids[2]]);
  await sim.close();
});
