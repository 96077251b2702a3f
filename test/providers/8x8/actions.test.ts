// The neutral action arguments on 8x8 and the raw.event action (emit a body to the channel's web-hook as is).
import { crc32 } from 'node:zlib';
import { flattenedVerify, importJWK } from 'jose';
import { expect, test } from 'vitest';
import type { OutboundRequest } from '../../../src/dispatcher.ts';
import type { Simulator, SimulatorOptions } from '../../../src/simulator.ts';
import {
  call,
  createEightByEightSim,
  gatewayClient,
  getToken,
  HOOK_URL,
  setUpGatewayChannel,
  setUpV2Channel,
  v2Client,
} from './helpers.ts';

/** Verifies a delivery's detached JWS with the provider's public JWK, as a receiver would. */
async function verifySignature(sim: Simulator, request: OutboundRequest) {
  const h = request.headers;
  const [protectedHeader, , signature] = h['x-8x8-signature']!.split('.');
  const payload = JSON.stringify({
    checksum: crc32(Buffer.from(request.body)),
    cid: h['x-8x8-customer-id'],
    eid: h['x-8x8-event-id'],
    retry: Number(h['x-8x8-retry']),
    tid: h['x-8x8-tenant-id'],
    tt: Number(h['x-8x8-transmission-time']),
  });
  const jwk = await call(sim, 'GET', '/vcc/us/chat/v2/jwk/key1/public');
  const key = await importJWK(jwk.json, 'RS256');
  return flattenedVerify({ protected: protectedHeader!, payload, signature: signature! }, key);
}

async function startV2(options: SimulatorOptions = {}) {
  const env = await createEightByEightSim(options);
  const api = v2Client(env.sim, await getToken(env.sim));
  const channelId = await setUpV2Channel(api);
  const created = await api('POST', '/conversations', { channelId });
  await env.sim.control.idle();
  return { ...env, api, channelId, id: created.json.conversationId as string };
}

async function startGateway() {
  const env = await createEightByEightSim();
  const api = gatewayClient(env.sim);
  const channelId = await setUpGatewayChannel(api);
  const created = await api('POST', '/conversations', { channelId, user: { name: 'J' } });
  await env.sim.control.idle();
  return { ...env, api, id: created.json.conversationId as string };
}

const act = (sim: Simulator, conversationId: string, action: string, args?: unknown) =>
  sim.control.act({ provider: '8x8', conversationId, action, args });

test('raw.event on a v2 conversation posts the body as is to the channel web-hook, signed, with args.headers', async () => {
  const { sim, sent, id } = await startV2();
  const body = { eventType: 'CUSTOM', conversationId: id, note: 'raw' };
  await act(sim, id, 'raw.event', { type: 'CUSTOM', body, headers: { 'x-test': 'yes' } });
  await sim.control.idle();
  const raw = sent.at(-1)!;
  expect(raw.url).toBe(HOOK_URL);
  expect(raw.body).toBe(JSON.stringify(body));
  expect(raw.headers).toMatchObject({ 'x-test': 'yes', 'x-8x8-retry': '0', 'x-8x8-tenant-id': 'acme' });
  await verifySignature(sim, raw);
  expect(sim.control.deliveries({ provider: '8x8', type: 'CUSTOM' })).toHaveLength(1);
});

test('raw.event on a Gateway conversation posts a string body verbatim to the channel webhook, signed', async () => {
  const { sim, sent, id } = await startGateway();
  await act(sim, id, 'raw.event', { type: 'ODD', body: 'not even JSON' });
  await sim.control.idle();
  const raw = sent.at(-1)!;
  expect(raw.url).toBe(HOOK_URL);
  expect(raw.body).toBe('not even JSON');
  const verified = await verifySignature(sim, raw);
  expect(verified.protectedHeader).toMatchObject({ alg: 'RS256', kid: 'key1' });
});

test('raw.event on an unknown conversation answers 409 with the reason', async () => {
  const { sim } = await createEightByEightSim();
  await expect(act(sim, 'nope', 'raw.event', { type: 'X', body: {} })).rejects.toMatchObject({
    status: 409,
    message: expect.stringMatching(/Conversation "nope" was not found/),
  });
});

test('raw.event on a conversation whose channel was deleted answers 409 and sends nothing', async () => {
  const { sim, sent, api, channelId, id } = await startV2();
  expect((await api('DELETE', `/channels/${channelId}`)).status).toBe(204);
  const before = sent.length;
  await expect(act(sim, id, 'raw.event', { type: 'X', body: {} })).rejects.toMatchObject({
    status: 409,
    message: expect.stringMatching(/has no webhook/),
  });
  await sim.control.idle();
  expect(sent).toHaveLength(before);
});

test('agent.typing {typing: false} on the Gateway sends ACTIVITY with no typing users', async () => {
  const { sim, events, id } = await startGateway();
  await sim.control.advance('2s');
  await act(sim, id, 'agent.typing', { typing: false });
  await sim.control.idle();
  expect(events('ACTIVITY').at(-1)).toMatchObject({ data: { name: 'typing', value: { users: [] } } });
});

test('agent.typing with an argument of another provider such as on is refused with 400', async () => {
  const { sim, id } = await startGateway();
  await sim.control.advance('2s');
  await expect(act(sim, id, 'agent.typing', { on: false })).rejects.toMatchObject({ status: 400 });
});

test('agent.join reads a numeric agentId as the agent id string and names an unknown agent', async () => {
  const { sim, id } = await startV2({ providerOptions: { '8x8': { autoAccept: false } } });
  await expect(act(sim, id, 'agent.join', { agentId: 7 })).rejects.toMatchObject({
    status: 409,
    message: expect.stringMatching(/Agent "7" does not exist/),
  });
});

test('agent.leave and customer.leave take no arguments', async () => {
  const { sim, id } = await startV2();
  await sim.control.advance('2s');
  await expect(act(sim, id, 'agent.leave', { text: 'bye' })).rejects.toMatchObject({ status: 400 });
  await expect(act(sim, id, 'customer.leave', { text: 'bye' })).rejects.toMatchObject({ status: 400 });
  await act(sim, id, 'agent.leave', {});
});
