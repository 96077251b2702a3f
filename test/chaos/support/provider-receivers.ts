// Each provider that signs or orders its webhooks, wired to a real receiver on 127.0.0.1, with what a careful
// receiver checks: the signature (null when the provider does not sign) and the transmission time.
import { createPublicKey } from 'node:crypto';
import { afterEach } from 'vitest';
import { toPublicJwk } from '../../../src/providers/8x8/events-signing.ts';
import { eightByEightProvider } from '../../../src/providers/8x8/index.ts';
import { airkitProvider } from '../../../src/providers/airkit/index.ts';
import { chatwootProvider } from '../../../src/providers/chatwoot/index.ts';
import { eceProvider } from '../../../src/providers/ece/index.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { type ReceivedRequest, type Receiver, startReceiver } from '../../support/receiver.ts';
import { createTestSimulator } from '../../support/simulator.ts';
import { isValid8x8Jws, isValidHmac } from './verify.ts';

/** One provider under test: how to start a conversation and emit its message event, and how to check a webhook. */
export type ProviderCase = {
  name: string;
  /** The event type `emit` sends. */
  type: string;
  signs: boolean;
  setup(): Promise<ProviderRig>;
};

/** A simulator of one provider whose webhooks go to `receiver`. */
export type ProviderRig = {
  sim: Simulator;
  receiver: Receiver;
  conversationId: string;
  /** Emits the provider's message event with `marker` in its body, on the conversation. */
  emit(marker: string): Promise<void>;
  /** The markers of the message events received, in order. */
  markers(): string[];
  /** True when the signature verifies; null when the provider does not sign. */
  verify(request: ReceivedRequest): boolean | null;
  /** The signed transmission time in ms, or null. */
  signedTime(request: ReceivedRequest): number | null;
  /** The header that carries the signature. */
  signatureHeader: string | null;
};

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function open(): Promise<Receiver> {
  const receiver = await startReceiver();
  receivers.push(receiver);
  return receiver;
}

const call = (
  sim: Simulator,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
) =>
  sim.app.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

function rig(
  sim: Simulator,
  receiver: Receiver,
  conversationId: string,
  type: string,
  body: (marker: string) => unknown,
  check: Pick<ProviderRig, 'verify' | 'signedTime' | 'signatureHeader'>,
): ProviderRig {
  return {
    sim,
    receiver,
    conversationId,
    async emit(marker) {
      await sim.control.act({
        provider: sim.providers[0]!.name,
        conversationId,
        action: 'raw.event',
        args: { type, body: body(marker) },
      });
    },
    markers: () => receiver.requests.flatMap((r) => /"(m\d+)"/.exec(r.body)?.[1] ?? []),
    ...check,
  };
}

const hmac = (secret: string, prefix: string) => ({
  signatureHeader: `x-${prefix}-signature`,
  verify: (request: ReceivedRequest) => isValidHmac(secret, prefix, request),
  signedTime(request: ReceivedRequest) {
    const timestamp = request.headers[`x-${prefix}-timestamp`];
    return timestamp === undefined ? null : Number(timestamp) * 1000;
  },
});

/** 8x8 Chat Gateway: RS256 detached JWS over the body checksum, ids, retry and transmission time. */
export const eightByEight: ProviderCase = {
  name: '8x8',
  type: 'MESSAGE',
  signs: true,
  async setup() {
    const receiver = await open();
    const sim = await createTestSimulator({
      providers: [eightByEightProvider],
      defaultFixtures: true,
      fixtures: {},
    });
    const gw = (method: string, path: string, body?: unknown) =>
      call(sim, method, `/chat-gateway/v1${path}`, { 'x-api-key': '8x8-gateway-key' }, body);
    const hook = (await (
      await gw('POST', '/webhooks', { name: 'sut', uri: `${receiver.url}/8x8`, version: 'Chat Gateway v1.0' })
    ).json()) as { id: string };
    const channel = (await (
      await gw('POST', '/channels', {
        name: 'web',
        type: 'ChatAPI',
        webHookId: hook.id,
        routingOptions: { type: 'queue', id: '100' },
      })
    ).json()) as { id: string };
    const started = (await (
      await gw('POST', '/conversations', {
        channelId: channel.id,
        user: { name: 'Ada', email: 'ada@example.com' },
      })
    ).json()) as { conversationId: string };
    await sim.control.idle();
    receiver.requests.length = 0;
    const state = sim.control.state('8x8') as {
      signingKey: { kid: string; privateJwk: Record<string, string> };
    };
    const publicKey = createPublicKey({ key: toPublicJwk(state.signingKey), format: 'jwk' });
    return rig(
      sim,
      receiver,
      started.conversationId,
      'MESSAGE',
      (marker) => ({
        eventType: 'MESSAGE',
        conversationId: started.conversationId,
        timestamp: sim.control.now(),
        data: { sender: { type: 'agent', id: 'agent-1' }, text: marker },
      }),
      {
        signatureHeader: 'x-8x8-signature',
        verify: (request) => isValid8x8Jws(publicKey, request),
        signedTime: (request) => Number(request.headers['x-8x8-transmission-time'] ?? Number.NaN),
      },
    );
  },
};

/** Chatwoot-compatible API: HMAC-SHA256 of "<timestamp>.<body>" in X-Chatwoot-Signature. */
export const chatwoot: ProviderCase = {
  name: 'chatwoot',
  type: 'message_created',
  signs: true,
  async setup() {
    const receiver = await open();
    const sim = await createTestSimulator({
      providers: [chatwootProvider],
      defaultFixtures: true,
      fixtures: {
        chatwoot: {
          inboxes: [
            {
              id: 1,
              account_id: 1,
              name: 'API Inbox',
              channel_type: 'Channel::Api',
              webhook_url: `${receiver.url}/chatwoot`,
              secret: 'api-inbox-secret',
              member_ids: [1, 2],
            },
          ],
        },
      },
    });
    const res = await call(
      sim,
      'POST',
      '/api/v1/accounts/1/conversations',
      { api_access_token: 'chatwoot-token' },
      { source_id: 'contact-source-1', inbox_id: 1 },
    );
    const { id } = (await res.json()) as { id: number };
    await sim.control.idle();
    receiver.requests.length = 0;
    const conversationId = sim.control.conversations({ provider: 'chatwoot' }).at(-1)!.id;
    return rig(
      sim,
      receiver,
      conversationId,
      'message_created',
      (marker) => ({
        event: 'message_created',
        content: marker,
        message_type: 'incoming',
        conversation: { id },
      }),
      hmac('api-inbox-secret', 'chatwoot'),
    );
  },
};

/** Airkit: HMAC-SHA256 of "<timestamp>.<body>" in X-Airkit-Signature. */
export const airkit: ProviderCase = {
  name: 'airkit',
  type: 'message.created',
  signs: true,
  async setup() {
    const receiver = await open();
    const sim = await createTestSimulator({
      providers: [airkitProvider],
      defaultFixtures: true,
      fixtures: {
        airkit: {
          resources: [
            {
              id: 'hub-default',
              name: 'Default',
              hubId: 'hub-main',
              channel: 'chat',
              webhookUrl: `${receiver.url}/airkit`,
              secret: 'airkit-webhook-secret',
            },
          ],
        },
      },
    });
    const res = await call(
      sim,
      'POST',
      '/airkit/v1/conversations',
      { authorization: 'Bearer airkit-token' },
      { conversationHubChannelResource: 'hub-default', customerDestination: 'session-1' },
    );
    const { id } = (await res.json()) as { id: string };
    await sim.control.idle();
    receiver.requests.length = 0;
    return rig(
      sim,
      receiver,
      id,
      'message.created',
      (marker) => ({ type: 'message.created', conversation: { id }, message: { text: marker } }),
      hmac('airkit-webhook-secret', 'airkit'),
    );
  },
};

/** Cisco ECE: unsigned callbacks, in the order of the conversation (seed 002). */
export const ece: ProviderCase = {
  name: 'ece',
  type: 'text/plain',
  signs: false,
  async setup() {
    const receiver = await open();
    const sim = await createTestSimulator({
      providers: [eceProvider],
      defaultFixtures: true,
      fixtures: {},
      providerOptions: { ece: { callbackUrl: `${receiver.url}/ece` } },
    });
    const base = '/system/ws/v19/clientapplications';
    const basic = Buffer.from('ece-chat-key:ece-chat-secret').toString('base64');
    const auth = await call(
      sim,
      'POST',
      `${base}/authentication/oauth2/token`,
      {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      'grant_type=client_credentials',
    );
    const token = ((await auth.json()) as { access_token: string }).access_token;
    await call(
      sim,
      'POST',
      `${base}/messaging/conversation/start?anonymousCustomer=yes`,
      { authorization: `Bearer ${token}`, accept: 'application/json' },
      {
        entryPointConfiguration: {
          entryPoint: { id: 1001 },
          lastModified: { date: '2024-11-05T09:30:00.000Z' },
        },
      },
    );
    await sim.control.idle();
    receiver.requests.length = 0;
    const conversationId = sim.control.conversations({ provider: 'ece' }).at(-1)!.id;
    return rig(
      sim,
      receiver,
      conversationId,
      'text/plain',
      (marker) => ({
        message: [{ conversation: { id: conversationId }, type: { value: 'text/plain' }, content: marker }],
      }),
      { signatureHeader: null, verify: () => null, signedTime: () => null },
    );
  },
};

/** Every provider that signs or orders its webhooks. */
export const PROVIDER_CASES = [eightByEight, chatwoot, airkit, ece];
