// The two 8x8 API generations as surfaces of one provider: the core's errors in each API's envelope, the routes
// both share, conversation creation through one transition, and webhook targets for the core's raw.event.
import { create as produce } from 'mutative';
import { describe, expect, test } from 'vitest';
import { createEightByEightState } from '../../../src/providers/8x8/fixtures.ts';
import { eightByEightProvider } from '../../../src/providers/8x8/index.ts';
import { applyConversationStart } from '../../../src/providers/8x8/model-conversations.ts';
import {
  call,
  createEightByEightSim,
  GW,
  gatewayClient,
  getToken,
  HOOK_URL,
  setUpGatewayChannel,
  setUpV2Channel,
  V2,
  v2Client,
} from './helpers.ts';

describe('8x8 surfaces', () => {
  test('the provider declares one surface per API generation, each under base paths the provider lists', () => {
    const surfaces = eightByEightProvider.surfaces ?? [];
    expect(surfaces.map((s) => s.basePaths)).toEqual([
      ['/oauth/v2', '/vcc'],
      ['/chat-gateway/v1', '/api/v1/tenant'],
    ]);
    for (const base of surfaces.flatMap((s) => s.basePaths)) {
      expect(eightByEightProvider.basePaths).toContain(base);
    }
  });

  test('a body over the limit answers 413 in the Gateway envelope under the Gateway and in the v2 envelope under v2', async () => {
    const { sim } = await createEightByEightSim({ bodyLimit: 10 });
    const post = (path: string) =>
      sim.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': '8x8-gateway-key' },
        body: JSON.stringify({ name: 'x'.repeat(100) }),
      });
    const gateway = await post(`${GW}/webhooks`);
    expect(gateway.status).toBe(413);
    expect(gateway.headers.get('content-type')).toBe('application/problem+json');
    expect(await gateway.json()).toEqual({
      message: 'Request body exceeds the limit of 10 bytes',
      errors: [{ code: 'payload_too_large', message: 'Request body exceeds the limit of 10 bytes' }],
    });
    const v2 = await post(`${V2}/web-hooks`);
    expect(v2.status).toBe(413);
    expect(await v2.json()).toMatchObject({
      message: 'Could not process this request due to an internal error.',
      errors: ['Request body exceeds the limit of 10 bytes'],
      referenceId: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
  });

  test('the shared web-hook routes answer each API in its own media type and id sequence', async () => {
    const { sim } = await createEightByEightSim();
    const v2 = v2Client(sim, await getToken(sim));
    const gw = gatewayClient(sim);
    const body = { name: 'hook', uri: HOOK_URL };
    const first = await v2('POST', '/web-hooks', body);
    const second = await gw('POST', '/webhooks', body);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(second.headers.get('content-type')).toBe('application/hal+json');
    expect([first.json.version, second.json.version]).toEqual(['v2.0', 'Chat Gateway v1.0']);
    expect(Number(second.json.id)).toBe(Number(first.json.id) + 1);
    expect((await v2('GET', `/web-hooks/${second.json.id}`)).status).toBe(404);
  });

  test('a v2 web-hook list filter tests the web-hook as listed, so a stored-only field such as revision matches nothing', async () => {
    const { sim } = await createEightByEightSim();
    const v2 = v2Client(sim, await getToken(sim));
    await v2('POST', '/web-hooks', { name: 'hook', uri: HOOK_URL });
    expect((await v2('GET', '/web-hooks?filter=name==hook')).json.page.elementCount).toBe(1);
    expect((await v2('GET', '/web-hooks?filter=revision==1')).json.page.elementCount).toBe(0);
  });

  test('a descending list sort puts the newest first among equal keys, in both APIs', async () => {
    const { sim } = await createEightByEightSim();
    const v2 = v2Client(sim, await getToken(sim));
    const gw = gatewayClient(sim);
    for (const name of ['a', 'b']) {
      await v2('POST', '/web-hooks', { name: 'same', uri: `${HOOK_URL}/${name}` });
      await gw('POST', '/webhooks', { name: 'same', uri: `${HOOK_URL}/${name}` });
    }
    const v2List = (await v2('GET', '/web-hooks?sort=name:desc')).json.data;
    const gwList = (await gw('GET', '/webhooks?sort=name:desc')).json._embedded.webhooks;
    for (const list of [v2List, gwList]) {
      expect(list.map((w: { uri: string }) => w.uri)).toEqual([`${HOOK_URL}/b`, `${HOOK_URL}/a`]);
    }
  });

  test('a Gateway verification failure quotes a long uri cut, not whole', async () => {
    const { sim, respondWith } = await createEightByEightSim();
    respondWith(500);
    const uri = `${HOOK_URL}/${'x'.repeat(5_000)}`;
    const answer = await gatewayClient(sim)('POST', '/webhooks/verify', {
      version: 'Chat Gateway v1.0',
      uri,
    });
    expect(answer.status).toBe(400);
    expect(answer.json.errors[0].code).toBe('webhook_verification_failed');
    expect(answer.json.errors[0].message.length).toBeLessThan(300);
  });
});

describe('8x8 conversation start', () => {
  const state = () =>
    createEightByEightState({
      queues: [
        { id: '100', name: 'Support' },
        { id: '200', name: 'Billing' },
      ],
      webhooks: [
        { id: '1', api: 'v2', name: 'h', uri: HOOK_URL },
        { id: '2', api: 'gateway', name: 'h', uri: HOOK_URL },
      ],
      channels: [
        { id: '1', api: 'v2', name: 'c', webHookId: '1', queueId: '100' },
        { id: 'g', api: 'gateway', name: 'c', webHookId: '2', queueId: '100' },
      ],
      signingKey: { kid: 'k', privateJwk: {} },
    });
  const start = (api: 'v2' | 'gateway', channelId: string, assignment?: { type: string; id: string }) => ({
    id: `c-${api}`,
    api,
    channelId,
    customer: {},
    user: {},
    ...(assignment ? { assignment } : {}),
    userParticipantId: 'u1',
    language: 'en',
    interactionId: 'i1',
    messages: [
      {
        id: 'm1',
        authorType: 'user' as const,
        participantId: 'u1',
        text: 'hi',
        createdAt: 5,
        attachments: [],
        cards: [],
      },
    ],
  });

  test('one transition starts a conversation of either API: queued in its channel queue, or in the queue the Gateway request assigns, with its history in the first interaction', () => {
    const next = produce(state(), (draft) => {
      const v2 = applyConversationStart(draft, start('v2', '1'), 5);
      expect(v2.queued).toEqual({ interactionId: 'i1', queueId: '100' });
      const gateway = applyConversationStart(draft, start('gateway', 'g', { type: 'queue', id: '200' }), 6);
      expect(gateway.happenings.map((h) => h.kind)).toEqual([
        'conversation-update',
        'conversation-update',
        'queued',
      ]);
      expect(gateway.queued).toEqual({ interactionId: 'i1', queueId: '200' });
    });
    expect(next.conversations['c-v2']).toMatchObject({
      assignment: { type: 'queue', id: '100' },
      lastQueueId: '100',
      createdAt: 5,
    });
    expect(next.conversations['c-gateway']).toMatchObject({
      assignment: { type: 'queue', id: '200' },
      lastQueueId: '200',
    });
    expect(next.conversations['c-v2']!.messages).toEqual([
      expect.objectContaining({ id: 'm1', interactionId: 'i1' }),
    ]);
  });

  test('starting a conversation on a channel of the other API throws and changes nothing', () => {
    const before = state();
    expect(() => produce(before, (draft) => void applyConversationStart(draft, start('v2', 'g'), 5))).toThrow(
      /Channel "g" was not found/,
    );
  });
});

describe('8x8 webhook targets', () => {
  test('raw.event answers the event id of the one target, the channel web-hook, and records the delivery as raw of its API', async () => {
    const { sim, sent } = await createEightByEightSim();
    const gw = gatewayClient(sim);
    const channelId = await setUpGatewayChannel(gw);
    const id = (await gw('POST', '/conversations', { channelId, user: {} })).json.conversationId as string;
    await sim.control.idle();
    const answer = await sim.control.act({
      provider: '8x8',
      conversationId: id,
      action: 'raw.event',
      args: { type: 'CUSTOM', body: { any: 'thing' } },
    });
    expect(answer).toEqual({
      conversationId: id,
      eventId: expect.any(String),
      eventIds: [expect.any(String)],
    });
    await sim.control.idle();
    expect(sent.at(-1)!.url).toBe(HOOK_URL);
    const [delivery] = sim.control.deliveries({ provider: '8x8', type: 'CUSTOM' });
    expect(delivery!.meta).toMatchObject({ api: 'gateway', raw: true });
  });

  test('every event delivery records the API generation whose payload it carries', async () => {
    const { sim } = await createEightByEightSim();
    const v2 = v2Client(sim, await getToken(sim));
    const channelId = await setUpV2Channel(v2);
    await v2('POST', '/conversations', { channelId });
    await sim.control.idle();
    const [queued] = sim.control.deliveries({ provider: '8x8', type: 'QUEUED' });
    expect(queued!.meta).toMatchObject({ api: 'v2' });
    expect(queued!.meta).not.toHaveProperty('raw');
  });

  test('the JWK of each API is served without credentials', async () => {
    const { sim } = await createEightByEightSim();
    expect((await call(sim, 'GET', `${GW}/jwk/key1/public`)).json.kid).toBe('key1');
    expect((await call(sim, 'GET', '/vcc/us/chat/v2/jwk/key1/public')).json.kid).toBe('key1');
  });
});
