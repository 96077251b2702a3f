// Issue 9 deliverable 4: with `retain`, ended 8x8 conversations (no open interaction) are deleted once the
// retention time has passed.
import { expect, test } from 'vitest';
import type { EightByEightState } from '../../../src/providers/8x8/model.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { guardScans } from '../../support/scan-guard.ts';
import {
  call,
  createEightByEightSim,
  GW,
  gatewayClient,
  getToken,
  setUpGatewayChannel,
  setUpV2Channel,
  v2Client,
} from './helpers.ts';

/** A conversation id no create ever returned, to compare answers with. */
const UNKNOWN = 'NeverCreatedConversation0';

const act = (sim: Simulator, conversationId: string, action: string, args: unknown = {}) =>
  sim.control.act({ provider: '8x8', conversationId, action, args });

const state = (sim: Simulator) => sim.control.state('8x8') as EightByEightState;

/** Any provider request: expiry is swept at the next one, just after it is answered. */
async function sweep(sim: Simulator): Promise<void> {
  await sim.app.request(`${GW}/channels`, { headers: { 'x-api-key': '8x8-gateway-key' } });
  await Promise.resolve();
}

/** Every id held by the conversation indexes (a small store: read whole). */
function indexedIds(s: EightByEightState): string[] {
  const { v2, gateway, queued } = s.index;
  const sorted = [
    v2.created,
    ...Object.values(v2.byChannel),
    ...Object.values(v2.byUser),
    ...Object.values(v2.byStatus),
    ...Object.values(gateway),
  ];
  const ids = sorted.flatMap((index) => index.pages.flat(2).map((entry) => entry.split('\u0000').at(-1)!));
  return [...ids, ...Object.keys(queued)];
}

/** What the v2 and Gateway routes answer about `id`, with the id written as UNKNOWN. */
async function answersAbout(sim: Simulator, token: string, id: string) {
  const v2 = v2Client(sim, token);
  const gw = gatewayClient(sim);
  const answers = [
    await v2('GET', `/conversations/${id}`),
    await v2('GET', `/conversations/${id}/messages`),
    await v2('POST', `/conversations/${id}/messages`, { text: 'still there?' }),
    await gw('GET', `/conversations/${id}`),
    await gw('GET', `/conversations/${id}/messages`),
    await gw('GET', `/conversations/${id}/attachments`),
    await gw('POST', `/conversations/${id}/messages`, { authorType: 'user', text: 'still there?' }),
  ];
  return answers.map((a) => `${a.status} ${a.text.replaceAll(id, UNKNOWN)}`);
}

async function upload(sim: Simulator, id: string): Promise<string> {
  const form = new FormData();
  form.append('attachment', new File([Buffer.from('hello file')], 'note.txt', { type: 'text/plain' }));
  const answer = await call(sim, 'POST', `${GW}/conversations/${id}/attachments`, {
    headers: { 'x-api-key': '8x8-gateway-key' },
    body: form,
  });
  expect(answer.status).toBe(200);
  return answer.json.id as string;
}

test('with retain, an ended 8x8 conversation is gone after the retention time, with its messages and index entries, and lists and lookups answer as for an unknown id', async () => {
  const { sim } = await createEightByEightSim({ retain: '1h' });
  const token = await getToken(sim);
  const v2 = v2Client(sim, token);
  const gw = gatewayClient(sim);
  const v2Channel = await setUpV2Channel(v2);
  const gwChannel = await setUpGatewayChannel(gw);
  const create = async (api: 'v2' | 'gw', user: string) => {
    const answer =
      api === 'v2'
        ? await v2('POST', '/conversations', { channelId: v2Channel, customer: { customerId: user } })
        : await gw('POST', '/conversations', { channelId: gwChannel, user: { userId: user } });
    expect(answer.status).toBe(202);
    return answer.json.conversationId as string;
  };
  const v2Ended = await create('v2', 'c-ended');
  const v2Open = await create('v2', 'c-open');
  const gwEnded = await create('gw', 'u-ended');
  const gwOpen = await create('gw', 'u-open');
  await sim.control.advance('2s');
  await act(sim, v2Ended, 'agent.say', { text: 'Hello' });
  await act(sim, gwEnded, 'agent.say', { text: 'Hello' });
  const attachment = await upload(sim, gwEnded);
  await act(sim, v2Ended, 'agent.leave');
  expect((await v2('DELETE', `/conversations/${v2Ended}/participants/customer`)).status).toBe(204);
  await act(sim, gwEnded, 'customer.leave');
  await sim.control.idle();

  await sim.control.advance('59m');
  await sweep(sim);
  expect(Object.keys(state(sim).conversations)).toHaveLength(4);

  await sim.control.advance('2m');
  await sweep(sim);
  const s = state(sim);
  expect(Object.keys(s.conversations).sort()).toEqual([v2Open, gwOpen].sort());
  // Access tokens live an hour: a fresh one for the reads below.
  const fresh = await getToken(sim);
  const v2Now = v2Client(sim, fresh);
  expect(Object.hasOwn(s.attachments, attachment)).toBe(false);
  expect(indexedIds(s)).not.toContain(v2Ended);
  expect(indexedIds(s)).not.toContain(gwEnded);
  expect(s.index.v2.created.size).toBe(1);
  expect(Object.keys(s.index.v2.byUser)).toEqual(['#c-open']);
  expect(s.index.gateway.state.size).toBe(1);

  for (const id of [v2Ended, gwEnded]) {
    const answers = await answersAbout(sim, fresh, id);
    expect(answers[0]).toMatch(/^404 /);
    expect(answers).toEqual(await answersAbout(sim, fresh, UNKNOWN));
  }
  const attachmentAnswer = await gw('GET', `/conversations/${gwEnded}/attachments/${attachment}`);
  expect(attachmentAnswer.status).toBe(404);
  const v2List = await v2Now('GET', '/conversations');
  expect(v2List.json.data.map((c: { id: string }) => c.id)).toEqual([v2Open]);
  expect(v2List.json.page.elementCount).toBe(1);
  expect((await v2Now('GET', '/conversations?userId=c-ended')).json.data).toEqual([]);
  const gwList = await gw('GET', '/conversations');
  expect(gwList.json._embedded.conversations.map((c: { id: string }) => c.id)).toEqual([gwOpen]);
  expect(
    sim.control
      .conversations({ provider: '8x8' })
      .map((c) => c.id)
      .sort(),
  ).toEqual([v2Open, gwOpen].sort());
});

test('an 8x8 conversation still open, or re-opened by a customer message after it ended, is kept', async () => {
  const { sim } = await createEightByEightSim({ retain: '1h' });
  const token = await getToken(sim);
  const v2 = v2Client(sim, token);
  const channel = await setUpV2Channel(v2);
  const create = async () =>
    (await v2('POST', '/conversations', { channelId: channel, customer: { name: 'J' } })).json
      .conversationId as string;
  const open = await create();
  const reopened = await create();
  await sim.control.advance('2s');
  await act(sim, reopened, 'agent.leave');
  await sim.control.advance('30m');
  await act(sim, reopened, 'customer.say', { text: 'one more thing' });
  await sim.control.advance('2h');
  await sweep(sim);
  const s = state(sim);
  expect(Object.keys(s.conversations).sort()).toEqual([open, reopened].sort());
  const fresh = v2Client(sim, await getToken(sim));
  expect((await fresh('GET', `/conversations/${reopened}`)).status).toBe(200);
});

test('with more than 1,000 8x8 conversations stored, expiring one walks no collection', async () => {
  // Stored conversations wait in queue 200 (no auto-accept) on a channel without a web-hook: filling sends nothing.
  const { sim } = await createEightByEightSim({
    retain: '1h',
    fixtures: { '8x8': { queues: [{ id: '200', name: 'Billing', autoAccept: false }] } },
  });
  const token = await getToken(sim);
  const v2 = v2Client(sim, token);
  const gw = gatewayClient(sim);
  const v2Channel = await setUpV2Channel(v2, '200');
  const gwChannel = await setUpGatewayChannel(gw, '200');
  await v2('DELETE', `/web-hooks/${(await v2('GET', `/channels/${v2Channel}`)).json.webHookId}`);
  await gw('DELETE', `/webhooks/${(await gw('GET', `/channels/${gwChannel}`)).json.webHookId}`);
  const post = async (path: string, headers: Record<string, string>, body: unknown) => {
    const answer = await sim.app.request(path, { method: 'POST', headers, body: JSON.stringify(body) });
    return ((await answer.json()) as { conversationId: string }).conversationId;
  };
  const v2Headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const gwHeaders = { 'x-api-key': '8x8-gateway-key', 'content-type': 'application/json' };
  const v2Ids: string[] = [];
  const gwIds: string[] = [];
  for (let i = 0; i < 1050; i++) {
    v2Ids.push(
      await post('/vcc/us/chat/v2/tenant/acme/conversations', v2Headers, {
        channelId: v2Channel,
        customer: { customerId: 'same-customer' },
      }),
    );
    gwIds.push(await post(`${GW}/conversations`, gwHeaders, { channelId: gwChannel, user: { userId: 'u' } }));
  }
  const [v2Victim, gwVictim] = [v2Ids[500]!, gwIds[500]!];
  await act(sim, v2Victim, 'customer.leave');
  await act(sim, gwVictim, 'customer.leave');
  await upload(sim, gwVictim);
  await sim.control.advance('61m');
  await sim.control.idle();
  expect(Object.hasOwn(state(sim).conversations, v2Victim)).toBe(true);
  expect(Object.hasOwn(state(sim).conversations, gwVictim)).toBe(true);
  const { scans } = await guardScans(1000, () => sweep(sim));
  expect(scans).toEqual([]);
  const s = state(sim);
  expect(Object.hasOwn(s.conversations, v2Victim)).toBe(false);
  expect(Object.hasOwn(s.conversations, gwVictim)).toBe(false);
  expect(Object.keys(s.attachments)).toEqual([]);
  expect(s.index.v2.created.size).toBe(1049);
  expect(s.index.v2.byUser['#same-customer']?.size).toBe(1049);
  expect(s.index.gateway.id.size).toBe(1049);
});
