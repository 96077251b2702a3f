// No cost that grows with the store (issue 9): with more than 1,000 conversations of each API and 1,000 live tokens
// stored, every request path, action and timer of the 8x8 provider runs without iterating a collection of 1,000
// entries or more.
import { expect, test } from 'vitest';
import { guardScans } from '../../support/scan-guard.ts';
import {
  BASIC,
  call,
  createEightByEightSim,
  gatewayClient,
  getToken,
  setUpGatewayChannel,
  setUpV2Channel,
  v2Client,
} from './helpers.ts';

const PER_API = 1_050;
const TOKENS = 1_050;
const THRESHOLD = 1_000;

async function guard(run: () => Promise<unknown>): Promise<string[]> {
  return (await guardScans(THRESHOLD, run)).scans;
}

const V2_PATH = '/vcc/us/chat/v2/tenant/acme';

test('at 2,100 stored conversations and 1,050 live tokens, no request, action or timer of 8x8 walks a collection', async () => {
  // Stored conversations wait in queue 200 (no auto-accept) on channels whose web-hook was deleted, so filling
  // sends nothing; live channels with web-hooks route to queue 100 (auto-accept after 2 s).
  const { sim } = await createEightByEightSim({
    fixtures: { '8x8': { queues: [{ id: '200', name: 'Billing', autoAccept: false }] } },
  });
  const token = await getToken(sim);
  const v2 = v2Client(sim, token);
  const gw = gatewayClient(sim);
  const v2Quiet = await setUpV2Channel(v2, '200');
  const gwQuiet = await setUpGatewayChannel(gw, '200');
  await v2('DELETE', `/web-hooks/${(await v2('GET', `/channels/${v2Quiet}`)).json.webHookId}`);
  await gw('DELETE', `/webhooks/${(await gw('GET', `/channels/${gwQuiet}`)).json.webHookId}`);
  const post = async (path: string, headers: Record<string, string>, body: string) => {
    const answer = await sim.app.request(path, { method: 'POST', headers, body });
    return (await answer.json()) as Record<string, string>;
  };
  const v2Headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const gwHeaders = { 'x-api-key': '8x8-gateway-key', 'content-type': 'application/json' };
  const v2Ids: string[] = [];
  const gwIds: string[] = [];
  for (let i = 0; i < PER_API; i++) {
    const body = JSON.stringify({ channelId: v2Quiet, customer: { customerId: `c${i}` } });
    v2Ids.push((await post(`${V2_PATH}/conversations`, v2Headers, body)).conversationId!);
    const gwBody = JSON.stringify({ channelId: gwQuiet, user: { userId: `u${i}` } });
    gwIds.push((await post('/chat-gateway/v1/conversations', gwHeaders, gwBody)).conversationId!);
  }
  const form = { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' };
  for (let i = 0; i < TOKENS; i++) await post('/oauth/v2/token', form, 'grant_type=client_credentials');
  const v2Channel = await setUpV2Channel(v2, '100');
  const gwChannel = await setUpGatewayChannel(gw, '100');
  const [v2Stored, gwStored] = [v2Ids[0]!, gwIds[0]!];
  const act = (conversationId: string, action: string, args: unknown = {}) =>
    sim.control.act({ provider: '8x8', conversationId, action, args });

  const scans: Record<string, string[]> = {};
  scans['token request and Bearer check'] = await guard(async () => {
    const fresh = await getToken(sim);
    expect((await v2Client(sim, fresh)('GET', '/channels')).status).toBe(200);
  });
  let live = '';
  scans['v2 create'] = await guard(async () => {
    const a = await v2('POST', '/conversations', { channelId: v2Channel, customer: { name: 'J' } });
    expect(a.status).toBe(202);
  });
  scans['Gateway create'] = await guard(async () => {
    const b = await gw('POST', '/conversations', { channelId: gwChannel, user: { name: 'J' } });
    expect(b.status).toBe(202);
    live = b.json.conversationId;
  });
  scans['auto-accept timer'] = await guard(() => sim.control.advance('2s'));
  scans['get conversation'] = await guard(async () => {
    expect((await v2('GET', `/conversations/${v2Stored}`)).status).toBe(200);
    expect((await gw('GET', `/conversations/${gwStored}`)).status).toBe(200);
    expect((await gw('GET', `/conversations/${live}/participants`)).status).toBe(200);
  });
  scans['send message'] = await guard(async () => {
    expect((await v2('POST', `/conversations/${v2Stored}/messages`, { text: 'hi' })).status).toBe(202);
    const sent = await gw('POST', `/conversations/${gwStored}/messages`, { authorType: 'user', text: 'hi' });
    expect(sent.status).toBe(202);
  });
  scans['list one page'] = await guard(async () => {
    for (const query of [
      '',
      '?order=desc&page=3',
      '?status=pending',
      `?channel-id=${v2Quiet}`,
      '?userId=c7',
    ]) {
      expect((await v2('GET', `/conversations${query}`)).status).toBe(200);
    }
    for (const query of ['', '?sort=createdAt:desc&page=2', '?sort=state:asc', '?sort=channelId:desc']) {
      expect((await gw('GET', `/conversations${query}`)).json._embedded.conversations).toHaveLength(20);
    }
  });
  for (const [name, args] of [
    ['agent.join', { agentId: 'agent-ben' }],
    ['agent.say', { text: 'hello' }],
    ['agent.transfer', { agentId: 'agent-cleo' }],
    ['agent.leave', {}],
    ['customer.say', { text: 'back' }],
    ['customer.leave', {}],
  ] as const) {
    scans[name] = await guard(async () => {
      await act(v2Stored, name, args);
      await act(gwStored, name, args);
    });
  }
  scans['agent.typing'] = await guard(() => act(live, 'agent.typing', { typing: true }));
  scans['raw.event'] = await guard(() => act(live, 'raw.event', { type: 'X', body: { any: 'thing' } }));
  const card = { contentType: 'application/vnd.microsoft.card.adaptive', content: {} };
  await gw('POST', `/conversations/${live}/messages`, { authorType: 'bot', text: 'rate', cards: [card] });
  const cardId = (await gw('GET', `/conversations/${live}/messages`)).json._embedded.messages[0].cards[0].id;
  const hookId = (await gw('GET', `/channels/${gwChannel}`)).json.webHookId;
  scans['card action and post-agent assignment'] = await guard(async () => {
    const path = `/api/v1/tenant/acme/conversations/${live}/cards/${cardId}/action-submit`;
    const headers = { 'x-api-key': '8x8-gateway-key' };
    expect((await call(sim, 'PUT', path, { headers, json: { name: 'x' } })).status).toBe(204);
    const handover = { type: 'webhook', id: hookId, configuration: { maxTotalMinutes: 20 } };
    expect((await gw('POST', `/conversations/${live}/post-agent-assignment`, handover)).status).toBe(201);
    await act(live, 'agent.leave', {});
    await sim.control.advance('20m');
  });
  await sim.control.idle();

  const empty = Object.fromEntries(Object.keys(scans).map((name) => [name, []]));
  expect(scans).toEqual(empty);

  // The pages read from the indexes are the right ones.
  const pending = await v2('GET', '/conversations?status=pending&size=3');
  expect(pending.json.page.elementCount).toBe(PER_API - 1);
  expect(pending.json.data.map((c: { id: string }) => c.id)).toEqual(v2Ids.slice(1, 4));
  const byUser = await v2('GET', '/conversations?userId=c9');
  expect(byUser.json.data.map((c: { id: string }) => c.id)).toEqual([v2Ids[9]]);
  const newest = await gw('GET', '/conversations?sort=createdAt:desc&size=2');
  expect(newest.json._embedded.conversations.map((c: { id: string }) => c.id)).toEqual([live, gwIds.at(-1)]);
  const byId = await gw('GET', `/conversations?sort=id:asc&size=5&page=7`);
  const sortedIds = [...gwIds, live].sort((a, b) => (a < b ? -1 : 1));
  expect(byId.json._embedded.conversations.map((c: { id: string }) => c.id)).toEqual(sortedIds.slice(35, 40));
}, 180_000);
