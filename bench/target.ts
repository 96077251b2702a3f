// The representative provider endpoint the benchmark loads: 8x8 Chat API v2 "create conversation", which
// authenticates a Bearer token, validates the body, writes state, and queues a signed QUEUED webhook.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type BenchTarget = {
  name: string;
  note: string;
  request: BenchRequest;
  /** A read of one conversation: the pipeline's own cost with little provider work. */
  read: BenchRequest;
  close(): Promise<void>;
};

export type BenchRequest = {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: string;
};

const V2 = '/vcc/us/chat/v2/tenant/acme';

async function call(url: string, path: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url + path, init);
  if (!res.ok)
    throw new Error(`bench setup: ${init.method} ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Sets up a token, a webhook (to a local receiver that answers 200) and a channel; returns the request to repeat. */
export async function benchTarget(url: string): Promise<BenchTarget> {
  let received = 0;
  const receiver: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/8x8`;

  const token = await call(url, '/oauth/v2/token', {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('8x8-key:8x8-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const auth = { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' };
  const hook = await call(url, `${V2}/web-hooks`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: 'bench', uri: hookUrl, version: 'v2.0' }),
  });
  const channel = await call(url, `${V2}/channels`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: 'bench', webHookId: hook.id, routingOptions: { type: 'queue', id: '100' } }),
  });
  const body = JSON.stringify({
    channelId: channel.id,
    customer: { name: 'Bench Customer', email: 'bench@example.com' },
  });
  const created = await call(url, `${V2}/conversations`, { method: 'POST', headers: auth, body });
  return {
    name: '8x8 v2 create conversation (POST /vcc/us/chat/v2/tenant/acme/conversations)',
    get note() {
      return `Each create writes a conversation and queues signed webhooks (QUEUED, then AGENT_JOINED after the auto-accept delay) to a local receiver, which got ${received} of them during the run.`;
    },
    request: {
      method: 'POST',
      path: `${V2}/conversations`,
      headers: auth,
      body,
    },
    read: { method: 'GET', path: `${V2}/conversations/${created.conversationId}`, headers: auth },
    close: () => new Promise((resolve) => receiver.close(() => resolve())),
  };
}
