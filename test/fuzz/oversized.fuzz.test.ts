// Oversized bodies over a real socket (issue 10 deliverable 3, and item 12): a body over the 1 MiB limit is refused
// with 413 in the provider's envelope, with and without Content-Length, and the same keep-alive connection then
// serves the next request. The in-process fuzz suites cover everything else.
import http from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import type { Simulator } from '../../src/simulator.ts';
import { type Answer, createFuzzSimulator, type Envelope } from '../support/fuzz-harness.ts';
import {
  adminEnvelope,
  airkitEnvelope,
  chatwootEnvelope,
  eceEnvelope,
  eightByEightEnvelope,
} from './envelopes.ts';

type Reply = { status: number; text: string; contentType: string };

function sendOver(
  agent: http.Agent,
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | string[],
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { agent, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          contentType: String(res.headers['content-type'] ?? ''),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    // An array is sent in chunks without Content-Length (Transfer-Encoding: chunked).
    if (Array.isArray(body)) for (const part of body) req.write(part);
    else req.write(body);
    req.end();
  });
}

type Case = {
  name: string;
  envelope: Envelope;
  path: string;
  headers(sim: Simulator): Promise<Record<string, string>>;
  valid: string;
};

const json = { 'content-type': 'application/json' };
const BIG = JSON.stringify({ text: 'x'.repeat(1536 * 1024) });

const cases: Case[] = [
  {
    name: 'ece',
    envelope: eceEnvelope,
    path: '/system/ws/v19/clientapplications/authentication/oauth2/token',
    headers: async () => ({
      authorization: `Basic ${Buffer.from('ece-chat-key:ece-chat-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    }),
    valid: 'grant_type=client_credentials',
  },
  {
    name: '8x8',
    envelope: eightByEightEnvelope,
    path: '/chat-gateway/v1/webhooks',
    headers: async () => ({ ...json, 'x-api-key': '8x8-gateway-key' }),
    valid: JSON.stringify({ name: 'hook', uri: 'http://hooks.test/8x8', version: 'Chat Gateway v1.0' }),
  },
  {
    name: 'chatwoot',
    envelope: chatwootEnvelope,
    path: '/api/v1/accounts/1/conversations',
    headers: async () => ({ ...json, api_access_token: 'chatwoot-token' }),
    valid: JSON.stringify({ source_id: 'contact-source-1' }),
  },
  {
    name: 'airkit',
    envelope: airkitEnvelope,
    path: '/airkit/v1/conversations',
    headers: async () => ({ ...json, authorization: 'Bearer airkit-token' }),
    valid: JSON.stringify({
      conversationHubChannelResource: 'hub-default',
      customerDestination: 'session-1',
      managedByThirdPartySystem: false,
    }),
  },
  {
    name: 'admin',
    envelope: adminEnvelope,
    path: '/__admin/faults',
    headers: async () => json,
    valid: JSON.stringify({ provider: 'airkit', path: '/nowhere/**', status: 503 }),
  },
];

const open: Array<{ sim: Simulator; agent: http.Agent }> = [];
afterEach(async () => {
  for (const { sim, agent } of open.splice(0)) {
    agent.destroy();
    await sim.close();
  }
});

function toAnswer(reply: Reply, path: string): Answer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.text);
  } catch {
    parsed = undefined;
  }
  return {
    method: 'POST',
    path,
    status: reply.status,
    contentType: reply.contentType,
    text: reply.text,
    json: parsed,
  };
}

describe.each(cases)('$name', (c) => {
  test.each([
    ['with Content-Length', BIG],
    ['sent in chunks', [BIG.slice(0, 800_000), BIG.slice(800_000)]],
  ])(
    'a body over 1 MiB %s answers 413 in the provider envelope and the connection serves the next request',
    async (_how, body) => {
      const sim = await createFuzzSimulator();
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      open.push({ sim, agent });
      const { url } = await sim.listen(0);
      const headers = await c.headers(sim);
      const refused = await sendOver(agent, url, 'POST', c.path, headers, body);
      expect(refused.status).toBe(413);
      expect(c.envelope(toAnswer(refused, c.path))).toBeNull();
      const next = await sendOver(agent, url, 'POST', c.path, headers, c.valid).catch((error: Error) => ({
        status: 0,
        text: `socket error: ${error.message}`,
        contentType: '',
      }));
      expect(next.status, next.text.slice(0, 300)).toBeGreaterThanOrEqual(200);
      expect(next.status, next.text.slice(0, 300)).toBeLessThan(300);
      const health = await sendOver(agent, url, 'GET', '/__admin/health', {}, '');
      expect(health.status).toBe(200);
    },
  );
});
