// Issue 9 deliverable 4: with `retain`, completed ECE conversations are deleted once the retention time has passed.
import { expect, test } from 'vitest';
import type { EceState } from '../../../src/providers/ece/model-state.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { guardScans } from '../../support/scan-guard.ts';
import { BASE, createEceSim, eceAdmin, getToken, sendMessage, startOk } from './helpers.ts';

/** A conversation id no start ever returned, to compare answers with. */
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const act = (sim: Simulator, conversationId: string, action: string, args: unknown = {}) =>
  sim.control.act({ provider: 'ece', conversationId, action, args });

const state = (sim: Simulator) => sim.control.state('ece') as EceState;

/** Any provider request: expiry is swept at the next one, just after it is answered. */
async function sweep(sim: Simulator): Promise<void> {
  await sim.app.request(`${BASE}/messaging/configuration?entrypoint=1001`);
  await Promise.resolve();
}

/** What sendmessage and the admin API answer about `id`, with the id written as UNKNOWN. */
async function answersAbout(sim: Simulator, token: string, id: string) {
  const message = await sendMessage(sim, token, {
    conversation: { id },
    type: { value: 'text/plain' },
    content: 'still there?',
  });
  const admin = await eceAdmin(sim, 'GET', `/conversations/${id}`);
  const after = await eceAdmin(sim, 'GET', `/conversations?after=${id}`);
  const text = async (res: Response) => `${res.status} ${(await res.text()).replaceAll(id, UNKNOWN)}`;
  return { message: await text(message), admin: await text(admin), after: await text(after) };
}

test('with retain, an ended ECE conversation is gone after the retention time, with its messages and index entries, and lists and lookups answer as for an unknown id', async () => {
  const { sim } = await createEceSim({ retain: '1h' });
  const token = await getToken(sim);
  const ended = await startOk(sim, { token });
  const open = await startOk(sim, { token });
  await sim.control.advance('1s');
  await act(sim, ended.id, 'customer.say', { text: 'Hello' });
  await act(sim, ended.id, 'customer.attachment.upload', { fileName: 'photo.png' });
  await act(sim, ended.id, 'agent.attachment.upload', { fileName: 'terms.pdf' });
  const uploads = Object.keys(state(sim).indexes.uploads);
  expect(uploads).toHaveLength(2);
  await act(sim, ended.id, 'agent.complete');
  await sim.control.idle();

  await sim.control.advance('59m');
  await sweep(sim);
  expect(state(sim).conversations[ended.id]?.status).toBe('completed');

  await sim.control.advance('2m');
  await sweep(sim);
  const s = state(sim);
  expect(Object.hasOwn(s.conversations, ended.id)).toBe(false);
  expect(Object.hasOwn(s.indexes.conversations.links, ended.id)).toBe(false);
  expect(s.indexes.conversations.size).toBe(1);
  expect(s.indexes.conversations.head).toBe(open.id);
  for (const id of uploads) expect(Object.hasOwn(s.indexes.uploads, id)).toBe(false);
  expect(Object.hasOwn(s.indexes.latestUploads, ended.id)).toBe(false);
  // The case and the session outlive the chat, as in ECE.
  expect(Object.hasOwn(s.cases, ended.case.id)).toBe(true);

  const answers = await answersAbout(sim, token, ended.id);
  expect(answers.message).toMatch(/^400 .*400-118/);
  expect(answers).toEqual(await answersAbout(sim, token, UNKNOWN));
  expect(sim.control.conversations({ provider: 'ece' }).map((c) => c.id)).toEqual([open.id]);
  const listed = (await (await eceAdmin(sim, 'GET', '/conversations')).json()) as {
    conversations: Array<{ id: string }>;
  };
  expect(listed.conversations.map((c) => c.id)).toEqual([open.id]);
  await expect(act(sim, ended.id, 'customer.say', { text: 'x' })).rejects.toThrow(/does not exist/);
});

test('an ECE conversation still open after the retention time is kept', async () => {
  const { sim } = await createEceSim({ retain: '1h' });
  const token = await getToken(sim);
  const first = await startOk(sim, { token });
  const second = await startOk(sim, { token });
  await sim.control.advance('1s');
  await act(sim, first.id, 'agent.say', { text: 'Hi' });
  const ended = await startOk(sim, { token });
  await act(sim, ended.id, 'customer.leave');
  await sim.control.advance('3h');
  await sweep(sim);
  const s = state(sim);
  expect(Object.hasOwn(s.conversations, ended.id)).toBe(false);
  expect(s.conversations[first.id]?.status).toBe('assigned');
  expect(s.conversations[second.id]?.status).toBe('assigned');
  const res = await sendMessage(sim, token, {
    conversation: { id: first.id },
    type: { value: 'text/plain' },
    content: 'still here',
  });
  expect(res.status).toBe(200);
});

test('without retain, a completed ECE conversation is kept', async () => {
  const { sim } = await createEceSim();
  const token = await getToken(sim);
  const ended = await startOk(sim, { token });
  await act(sim, ended.id, 'customer.leave');
  await sim.control.advance('30d');
  await sweep(sim);
  expect(state(sim).conversations[ended.id]?.status).toBe('completed');
});

test('with more than 1,000 ECE conversations stored, expiring one walks no collection', async () => {
  const { sim } = await createEceSim({ retain: '1h' });
  const token = await getToken(sim);
  const ids: string[] = [];
  for (let i = 0; i < 1050; i++) ids.push((await startOk(sim, { token })).id);
  const victim = ids[500]!;
  await act(sim, victim, 'customer.say', { text: 'bye' });
  await act(sim, victim, 'customer.leave');
  await sim.control.advance('61m');
  await sim.control.idle();
  expect(Object.hasOwn(state(sim).conversations, victim)).toBe(true);
  const { scans } = await guardScans(1000, () => sweep(sim));
  expect(scans).toEqual([]);
  const s = state(sim);
  expect(Object.hasOwn(s.conversations, victim)).toBe(false);
  expect(s.indexes.conversations.size).toBe(1049);
  expect(s.indexes.conversations.links[ids[499]!]?.next).toBe(ids[501]);
});
