import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  call,
  createEightByEightSim,
  gatewayClient,
  getToken,
  setUpGatewayChannel,
  setUpV2Channel,
  v2Client,
} from './helpers.ts';

describe('8x8 provider integration with the core', () => {
  test('the default fixtures serve tenant acme in region us with queues 100 and 200', async () => {
    const { sim } = await createEightByEightSim();
    const api = v2Client(sim, await getToken(sim));
    expect(
      (
        await api('POST', '/channels', {
          name: 'x',
          webHookId: '9',
          routingOptions: { type: 'queue', id: '200' },
        })
      ).json.validations,
    ).toEqual([expect.objectContaining({ field: 'webHookId' })]);
    await setUpV2Channel(api, '200');
    await setUpV2Channel(api, '100');
  });

  test('reset brings back the fixtures: webhooks, channels, conversations and tokens are gone', async () => {
    const { sim } = await createEightByEightSim();
    const token = await getToken(sim);
    const api = v2Client(sim, token);
    const channelId = await setUpV2Channel(api);
    await api('POST', '/conversations', { channelId });
    await sim.control.reset();
    expect(
      (
        await call(sim, 'GET', '/vcc/us/chat/v2/tenant/acme/channels', {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(401);
    const fresh = v2Client(sim, await getToken(sim));
    expect((await fresh('GET', '/channels')).json.data).toEqual([]);
    expect(sim.control.conversations({ provider: '8x8' })).toEqual([]);
  });

  test('the admin conversation listing summarizes both APIs', async () => {
    const { sim } = await createEightByEightSim();
    const v2 = v2Client(sim, await getToken(sim));
    const gw = gatewayClient(sim);
    const a = await v2('POST', '/conversations', { channelId: await setUpV2Channel(v2) });
    const b = await gw('POST', '/conversations', {
      channelId: await setUpGatewayChannel(gw),
      user: { userId: 'u1' },
    });
    await sim.control.advance('2s');
    const summaries = sim.control.conversations({ provider: '8x8' });
    expect(summaries).toEqual([
      expect.objectContaining({
        id: a.json.conversationId,
        status: 'handling',
        participants: [expect.any(String), 'agent-ana'],
      }),
      expect.objectContaining({
        id: b.json.conversationId,
        status: 'active',
        participants: ['u1', 'agent-ana'],
      }),
    ]);
  });

  test('the actions are listed with descriptions', async () => {
    const { sim } = await createEightByEightSim();
    const actions = sim.control.actions('8x8').map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'agent.join',
        'agent.say',
        'agent.transfer',
        'agent.leave',
        'customer.say',
        'customer.leave',
        'agent.typing',
      ]),
    );
  });

  test('customer.say and customer.leave actions behave like the HTTP calls', async () => {
    const { sim, events } = await createEightByEightSim();
    const api = v2Client(sim, await getToken(sim));
    const created = await api('POST', '/conversations', { channelId: await setUpV2Channel(api) });
    const id = created.json.conversationId;
    await sim.control.advance('2s');
    await sim.control.act({
      provider: '8x8',
      conversationId: id,
      action: 'customer.say',
      args: { text: 'hello' },
    });
    await sim.control.act({ provider: '8x8', conversationId: id, action: 'customer.leave' });
    await sim.control.idle();
    expect(events().map((e) => e.eventType)).toEqual(['QUEUED', 'AGENT_JOINED', 'AGENT_LEFT']);
    expect((await api('GET', `/conversations/${id}/messages`)).json.messages[0].originalText).toBe('hello');
  });

  test('agent.typing on a v2 conversation is refused (v2 documents no typing event)', async () => {
    const { sim } = await createEightByEightSim();
    const api = v2Client(sim, await getToken(sim));
    const created = await api('POST', '/conversations', { channelId: await setUpV2Channel(api) });
    await sim.control.advance('2s');
    await expect(
      sim.control.act({
        provider: '8x8',
        conversationId: created.json.conversationId,
        action: 'agent.typing',
      }),
    ).rejects.toThrow(/no typing event/);
  });

  test('fixtures may replace the signing key and the JWK endpoint serves the new public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateJwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
    const { sim } = await createEightByEightSim({
      fixtures: { '8x8': { signingKey: { kid: 'mine', privateJwk } } },
    });
    const answer = await call(sim, 'GET', '/chat-gateway/v1/jwk/mine/public');
    expect(answer.json.n).toBe(publicKey.export({ format: 'jwk' }).n);
    expect((await call(sim, 'GET', '/chat-gateway/v1/jwk/key1/public')).status).toBe(404);
  });

  test('an interaction still queued when the simulator stops is accepted after a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convosim-8x8-'));
    const file = path.join(dir, 'store.json');
    try {
      const first = await createEightByEightSim({ store: file });
      const channelId = await setUpGatewayChannel(gatewayClient(first.sim));
      const created = await gatewayClient(first.sim)('POST', '/conversations', {
        channelId,
        user: { name: 'Restarted User' },
      });
      expect(created.status).toBe(202);
      await first.sim.close();

      const second = await createEightByEightSim({ store: file });
      await second.sim.control.advance('2s');
      expect(second.events('MEMBERS_CHANGED')).toEqual([
        expect.objectContaining({
          conversationId: created.json.conversationId,
          data: expect.objectContaining({ change: 'joined' }),
        }),
      ]);
      await second.sim.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('state survives a restart on a store file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convosim-8x8-'));
    const file = path.join(dir, 'store.json');
    try {
      const first = await createEightByEightSim({ store: file });
      const gw = gatewayClient(first.sim);
      const channelId = await setUpGatewayChannel(gw);
      await first.sim.close();
      const second = await createEightByEightSim({ store: file });
      expect((await gatewayClient(second.sim)('GET', `/channels/${channelId}`)).status).toBe(200);
      await second.sim.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the admin conversation listing pages v2 then Gateway conversations through their creation indexes', async () => {
  const { sim } = await createEightByEightSim();
  const v2 = v2Client(sim, await getToken(sim));
  const gw = gatewayClient(sim);
  const v2Channel = await setUpV2Channel(v2);
  const gwChannel = await setUpGatewayChannel(gw);
  const created: string[] = [];
  for (let i = 0; i < 3; i++) {
    created.push(
      (await gw('POST', '/conversations', { channelId: gwChannel, user: { userId: `u${i}` } })).json
        .conversationId,
    );
    created.push((await v2('POST', '/conversations', { channelId: v2Channel })).json.conversationId);
  }
  const all = sim.control.conversations({ provider: '8x8' }).map((s) => s.id);
  expect(all).toEqual([...created.filter((_, i) => i % 2 === 1), ...created.filter((_, i) => i % 2 === 0)]);
  const walked: string[] = [];
  for (let after: string | undefined; ; ) {
    const page = sim.control.conversations({ provider: '8x8', limit: 2, after }).map((s) => s.id);
    if (page.length === 0) break;
    walked.push(...page);
    after = `8x8:${page.at(-1)}`;
  }
  expect(walked).toEqual(all);
});
