// Issue 9 deliverable 4: with `retain`, resolved Chatwoot conversations are deleted once the retention time has
// passed; one re-opened meanwhile is kept.
import { expect, test } from 'vitest';
import type { ChatwootState } from '../../../src/providers/chatwoot/model.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { guardScans } from '../../support/scan-guard.ts';
import { call, createChatwootSim, createConversation } from './helpers.ts';

/** A display id no conversation has, to compare answers with. */
const UNKNOWN = 999;

const state = (sim: Simulator) => sim.control.state('chatwoot') as ChatwootState;

/** Any provider request: expiry is swept at the next one, just after it is answered. */
async function sweep(sim: Simulator): Promise<void> {
  await call(sim, 'GET', '/1/inboxes');
  await Promise.resolve();
}

/** What the conversation routes answer about display id `id`. */
async function answersAbout(sim: Simulator, id: number) {
  const answers = [
    await call(sim, 'GET', `/1/conversations/${id}`),
    await call(sim, 'GET', `/1/conversations/${id}/messages`),
    await call(sim, 'POST', `/1/conversations/${id}/messages`, { content: 'still there?' }),
    await call(sim, 'POST', `/1/conversations/${id}/toggle_status`, { status: 'open' }),
    await call(sim, 'POST', `/1/conversations/${id}/assignments`, { assignee_id: 1 }),
  ];
  return answers.map((a) => `${a.status} ${a.text}`);
}

const listed = async (sim: Simulator, query = 'status=all') =>
  (await call(sim, 'GET', `/1/conversations?${query}`)).json.data as {
    meta: Record<string, number>;
    payload: Array<{ id: number }>;
  };

test('with retain, an ended Chatwoot conversation is gone after the retention time, with its messages and index entries, and lists and lookups answer as for an unknown id', async () => {
  const sim = await createChatwootSim({ retain: '1h' });
  const open = await createConversation(sim);
  const ended = await createConversation(sim, { message: { content: 'Hello' } });
  await call(sim, 'POST', `/1/conversations/${ended.id}/messages`, { content: 'Hi, how can I help?' });
  await call(sim, 'POST', `/1/conversations/${ended.id}/messages`, {
    content: 'I need a refund',
    message_type: 'incoming',
  });
  const before = state(sim);
  const internalId = before.index.displayIds[`1:${ended.id}`]!;
  const messageIds = [...before.index.conversations[String(internalId)]!.messageIds];
  expect(messageIds).toHaveLength(3);
  expect(
    (await call(sim, 'POST', `/1/conversations/${ended.id}/toggle_status`, {})).json.payload,
  ).toMatchObject({
    current_status: 'resolved',
  });

  await sim.control.advance('59m');
  await sweep(sim);
  expect((await call(sim, 'GET', `/1/conversations/${ended.id}`)).status).toBe(200);

  await sim.control.advance('2m');
  await sweep(sim);
  const s = state(sim);
  expect(Object.keys(s.conversations)).toEqual([String(s.index.displayIds[`1:${open.id}`])]);
  for (const id of messageIds) expect(Object.hasOwn(s.messages, String(id))).toBe(false);
  expect(Object.hasOwn(s.index.conversations, String(internalId))).toBe(false);
  expect(Object.hasOwn(s.index.displayIds, `1:${ended.id}`)).toBe(false);
  // The contact inbox's last conversation was the expired one: it names the latest one left now
  // (`contact_inbox.conversations.last`), as an index rebuilt from the records does.
  expect(s.index.lastConversationOfContactInbox['1']).toBe(s.index.displayIds[`1:${open.id}`]);
  expect(Object.values(s.index.buckets['1']!).map((b) => [b.status, b.count])).toEqual([['open', 1]]);

  const answers = await answersAbout(sim, ended.id);
  expect(answers[0]).toMatch(/^404 /);
  expect(answers).toEqual(await answersAbout(sim, UNKNOWN));
  const all = await listed(sim);
  expect(all.payload.map((c) => c.id)).toEqual([open.id]);
  expect(all.meta.all_count).toBe(1);
  expect((await listed(sim, 'status=resolved')).payload).toEqual([]);
  expect((await listed(sim, 'status=all&q=refund')).payload).toEqual([]);
  expect((await call(sim, 'GET', '/1/conversations/meta?status=all')).json.meta.all_count).toBe(1);
  expect(sim.control.conversations({ provider: 'chatwoot' }).map((c) => c.id)).toEqual([`1:${open.id}`]);
  await expect(
    sim.control.act({
      provider: 'chatwoot',
      conversationId: `1:${ended.id}`,
      action: 'customer.say',
      args: { text: 'x' },
    }),
  ).rejects.toThrow();
  // Display ids are not reused: the next conversation gets a new one.
  expect((await createConversation(sim)).id).toBe(ended.id + 1);
});

test('a Chatwoot conversation still open, or re-opened after it was resolved, is kept', async () => {
  const sim = await createChatwootSim({ retain: '1h' });
  const open = await createConversation(sim);
  const byMessage = await createConversation(sim);
  const byToggle = await createConversation(sim);
  const pending = await createConversation(sim, { status: 'pending' });
  for (const c of [byMessage, byToggle])
    await call(sim, 'POST', `/1/conversations/${c.id}/toggle_status`, {});
  await sim.control.advance('30m');
  await sim.control.act({
    provider: 'chatwoot',
    conversationId: `1:${byMessage.id}`,
    action: 'customer.say',
    args: { text: 'one more thing' },
  });
  const toggled = await call(sim, 'POST', `/1/conversations/${byToggle.id}/toggle_status`, {});
  expect(toggled.json.payload.current_status).toBe('open');
  await sim.control.advance('2h');
  await sweep(sim);
  for (const c of [open, byMessage, byToggle, pending]) {
    expect((await call(sim, 'GET', `/1/conversations/${c.id}`)).status).toBe(200);
  }
  expect(Object.keys(state(sim).conversations)).toHaveLength(4);
});

test('a Chatwoot conversation created resolved reports its end and is expired after the retention time', async () => {
  const sim = await createChatwootSim({ retain: '1h' });
  const resolved = await createConversation(sim, { status: 'resolved' });
  expect(resolved.status).toBe('resolved');
  await sim.control.advance('61m');
  await sweep(sim);
  expect((await call(sim, 'GET', `/1/conversations/${resolved.id}`)).status).toBe(404);
});

test('with more than 1,000 Chatwoot conversations stored, expiring one walks no collection', async () => {
  const sim = await createChatwootSim({ retain: '1h' });
  const ids: number[] = [];
  for (let i = 0; i < 1050; i++)
    ids.push((await createConversation(sim, { message: { content: `m${i}` } })).id);
  const victim = ids[500]!;
  await call(sim, 'POST', `/1/conversations/${victim}/messages`, { content: 'bye' });
  await call(sim, 'POST', `/1/conversations/${victim}/toggle_status`, { status: 'resolved' });
  await sim.control.advance('61m');
  await sim.control.idle();
  expect(Object.hasOwn(state(sim).index.displayIds, `1:${victim}`)).toBe(true);
  const { scans } = await guardScans(1000, () => sweep(sim));
  expect(scans).toEqual([]);
  const s = state(sim);
  expect(Object.hasOwn(s.index.displayIds, `1:${victim}`)).toBe(false);
  expect(Object.keys(s.conversations)).toHaveLength(1049);
  expect(Object.keys(s.messages)).toHaveLength(1049);
  const bucket = Object.values(s.index.buckets['1']!);
  expect(bucket.map((b) => [b.status, b.count])).toEqual([['open', 1049]]);
  expect((await listed(sim, 'status=open&page=3')).payload).toHaveLength(25);
});
