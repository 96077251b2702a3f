import { crc32 } from 'node:zlib';
import { flattenedVerify, importJWK } from 'jose';
import { describe, expect, test } from 'vitest';
import { toChecksum, toSignedPayload } from '../../../src/providers/8x8/events-signing.ts';
import { startReceiver } from '../../support/receiver.ts';
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

const T0 = Date.parse('2025-01-01T00:00:00Z');

/** Verifies a detached b64=false JWS as a receiver would: rebuild the payload from the headers and body. */
async function verify(headers: Record<string, string>, body: string, jwk: Record<string, string>) {
  const [protectedHeader, empty, signature] = headers['x-8x8-signature']!.split('.');
  expect(empty).toBe('');
  const payload = JSON.stringify({
    checksum: crc32(Buffer.from(body)),
    cid: headers['x-8x8-customer-id'],
    eid: headers['x-8x8-event-id'],
    retry: Number(headers['x-8x8-retry']),
    tid: headers['x-8x8-tenant-id'],
    tt: Number(headers['x-8x8-transmission-time']),
  });
  const key = await importJWK(jwk, 'RS256');
  return flattenedVerify({ protected: protectedHeader!, payload, signature: signature! }, key);
}

describe('8x8 webhook signing', () => {
  test('the checksum is the unsigned CRC32 of the raw body (doc example 1564621066)', () => {
    const body =
      '{"eventType":"AGENT_JOINED","messageType":"SYSTEM","conversationId":"Aka5NMHU8MtIG7lUQOxI0DTOvM4","agentId":"cmalutan","agentName":"Cosmin,Malutan","timestamp":1629804577002}';
    expect(toChecksum(body)).toBe(1564621066);
  });

  test('the signed payload has the keys checksum, cid, eid, retry, tid, tt in this order', () => {
    expect(toSignedPayload('{}', { cid: 'c', eid: 'e', retry: 0, tid: 't', tt: 5 })).toBe(
      `{"checksum":${toChecksum('{}')},"cid":"c","eid":"e","retry":0,"tid":"t","tt":5}`,
    );
  });

  test('every v2 event carries the six x-8x8 headers and a detached RS256 JWS the public JWK verifies', async () => {
    const { sim, sent } = await createEightByEightSim();
    const api = v2Client(sim, await getToken(sim));
    const channelId = await setUpV2Channel(api);
    await api('POST', '/conversations', { channelId });
    await sim.control.idle();
    const [event] = sent;
    expect(
      Object.keys(event!.headers)
        .filter((h) => h.startsWith('x-8x8-'))
        .sort(),
    ).toEqual([
      'x-8x8-customer-id',
      'x-8x8-event-id',
      'x-8x8-retry',
      'x-8x8-signature',
      'x-8x8-tenant-id',
      'x-8x8-transmission-time',
    ]);
    expect(event!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-8x8-customer-id': 'acme',
      'x-8x8-tenant-id': 'acme',
      'x-8x8-retry': '0',
      'x-8x8-transmission-time': String(T0),
    });
    const jwk = await call(sim, 'GET', '/vcc/us/chat/v2/jwk/key1/public');
    expect(jwk.json).toEqual({ kty: 'RSA', e: 'AQAB', kid: 'key1', n: expect.any(String) });
    const result = await verify(event!.headers, event!.body, jwk.json);
    expect(result.protectedHeader).toEqual({ b64: false, crit: ['b64'], kid: 'key1', alg: 'RS256' });
  });

  test('a signature does not verify once the body is changed', async () => {
    const { sim, sent } = await createEightByEightSim();
    const api = v2Client(sim, await getToken(sim));
    await api('POST', '/web-hooks/verify', { version: 'v2.0', uri: HOOK_URL });
    const jwk = await call(sim, 'GET', '/vcc/us/chat/v2/jwk/key1/public');
    await expect(verify(sent[0]!.headers, `${sent[0]!.body} `, jwk.json)).rejects.toThrow();
  });

  test('an unknown JWK id answers 404 ClientError on v2 and ResourceNotFound on the Gateway', async () => {
    const { sim } = await createEightByEightSim();
    const v2 = await call(sim, 'GET', '/vcc/us/chat/v2/jwk/nope/public');
    expect(v2.status).toBe(404);
    expect(v2.json).toMatchObject({
      type: 'ClientError',
      resourceType: 'JWKPublic',
      resourceId: 'nope',
      status: 404,
    });
    const gw = await call(sim, 'GET', '/chat-gateway/v1/jwk/nope/public');
    expect(gw.status).toBe(404);
    expect(gw.json.message).toBe('Resource of type JWKPublic with id nope was not found.');
  });

  test('a retry increments x-8x8-retry and changes x-8x8-transmission-time, and still verifies', async () => {
    const { sim, sent, respondWith } = await createEightByEightSim();
    const api = gatewayClient(sim);
    const channelId = await setUpGatewayChannel(api);
    respondWith((request) => (sent.filter((s) => s.body === request.body).length === 1 ? 503 : 200));
    await api('POST', '/conversations', { channelId, user: { name: 'J' } });
    await sim.control.idle();
    await sim.control.advance('2s');
    await sim.control.idle();
    const first = sent[0]!;
    const retry = sent[1]!;
    expect(retry.body).toBe(first.body);
    expect(retry.headers['x-8x8-retry']).toBe('1');
    expect(retry.headers['x-8x8-event-id']).toBe(first.headers['x-8x8-event-id']);
    expect(Number(retry.headers['x-8x8-transmission-time'])).toBe(T0 + 2000);
    expect(retry.headers['x-8x8-signature']).not.toBe(first.headers['x-8x8-signature']);
    const jwk = await call(sim, 'GET', '/chat-gateway/v1/jwk/key1/public');
    await verify(retry.headers, retry.body, jwk.json);
  });

  test('failed webhooks are retried after 2 s, 5 s and 10 s, then given up', async () => {
    const { sim, sent, respondWith } = await createEightByEightSim();
    const api = v2Client(sim, await getToken(sim));
    const channelId = await setUpV2Channel(api);
    respondWith(500);
    await api('POST', '/conversations', { channelId });
    await sim.control.idle();
    for (const step of [2_000, 5_000, 10_000]) {
      await sim.control.advance(step);
      await sim.control.idle();
    }
    await sim.control.advance('1h');
    const queued = sent.filter((s) => JSON.parse(s.body).eventType === 'QUEUED');
    expect(queued.map((s) => Number(s.headers['x-8x8-transmission-time']) - T0)).toEqual([
      0, 2_000, 7_000, 17_000,
    ]);
    expect(queued.map((s) => s.headers['x-8x8-retry'])).toEqual(['0', '1', '2', '3']);
  });

  test('the same seed and the same requests give byte-identical bodies and signatures', async () => {
    const run = async () => {
      const { sim, sent } = await createEightByEightSim();
      const api = v2Client(sim, await getToken(sim));
      const channelId = await setUpV2Channel(api);
      const created = await api('POST', '/conversations', { channelId, customer: { name: 'J' } });
      await sim.control.advance('2s');
      await sim.control.act({
        provider: '8x8',
        conversationId: created.json.conversationId,
        action: 'agent.say',
        args: { text: 'hi' },
      });
      await sim.control.idle();
      return sent.map((s) => ({ body: s.body, headers: s.headers }));
    };
    const [a, b] = [await run(), await run()];
    expect(a).toHaveLength(3);
    expect(b).toEqual(a);
  });

  test('webhooks reach a real HTTP receiver with the signature headers', async () => {
    const receiver = await startReceiver();
    try {
      const { sim } = await createEightByEightSim({ send: undefined });
      const api = v2Client(sim, await getToken(sim));
      const verified = await api('POST', '/web-hooks/verify', {
        version: 'v2.0',
        uri: `${receiver.url}/hook`,
      });
      expect(verified.status).toBe(204);
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]!.json).toEqual({
        notificationVersion: 'v2.0',
        eventType: 'WEB_HOOK_VERIFY',
      });
      const jwk = await call(sim, 'GET', '/vcc/us/chat/v2/jwk/key1/public');
      await verify(receiver.requests[0]!.headers, receiver.requests[0]!.body, jwk.json);
    } finally {
      await receiver.close();
    }
  });
});
