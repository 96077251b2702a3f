// Fuzz suite of the 8x8 provider, Chat API v2 and Chat Gateway v1 (issue 10 deliverable 3).
// Findings: /work/notes/fuzz-8x8.md.
import type { Simulator } from '../../src/simulator.ts';
import { defineFuzzSuite, type FuzzRoute, send, sendOk, type ValidRequest } from '../support/fuzz-harness.ts';
import { eightByEightEnvelope } from './envelopes.ts';

type Env = {
  token: string;
  v2Hook: string;
  v2Channel: string;
  v2Conversation: string;
  gwHook: string;
  gwChannel: string;
  gwConversation: string;
  gwCard: string;
  seq: number;
};

const V2 = '/vcc/:region/chat/v2/tenant/:tenantId';
const V2_PATH = '/vcc/us/chat/v2/tenant/acme';
const GW = '/chat-gateway/v1';
const HOOK = 'http://hooks.test/8x8';
const BASIC = `Basic ${Buffer.from('8x8-key:8x8-secret').toString('base64')}`;
const API_KEY = { 'x-api-key': '8x8-gateway-key' };
const bearer = { header: 'authorization', scheme: 'bearer' } as const;
const apiKey = { header: 'x-api-key', scheme: 'raw' } as const;
const USER = { name: 'James Jones', userId: 'u-42', email: 'user@example.com', language: 'en' };

const v2Headers = (env: Env) => ({ authorization: `Bearer ${env.token}` });
const v2Params = (extra: Record<string, string> = {}) => ({ region: 'us', tenantId: 'acme', ...extra });
const json = (value: unknown) => ({ kind: 'json', value }) as const;

async function v2Hook(sim: Simulator, env: Env): Promise<string> {
  const hook = await sendOk(sim, 'POST', `${V2_PATH}/web-hooks`, {
    headers: v2Headers(env),
    json: { name: `hook-${++env.seq}`, uri: HOOK, version: 'v2.0' },
  });
  return hook.id as string;
}

async function v2Channel(sim: Simulator, env: Env): Promise<string> {
  const channel = await sendOk(sim, 'POST', `${V2_PATH}/channels`, {
    headers: v2Headers(env),
    json: { name: `web-${++env.seq}`, webHookId: env.v2Hook, routingOptions: { type: 'queue', id: '100' } },
  });
  return channel.id as string;
}

async function v2Conversation(sim: Simulator, env: Env): Promise<string> {
  const created = await sendOk(sim, 'POST', `${V2_PATH}/conversations`, {
    headers: v2Headers(env),
    json: { channelId: env.v2Channel, customer: { name: 'Jane', email: 'jane@example.com' } },
  });
  return created.conversationId as string;
}

async function gwHook(sim: Simulator, env: Env): Promise<string> {
  const hook = await sendOk(sim, 'POST', `${GW}/webhooks`, {
    headers: API_KEY,
    json: { name: `hook-${++env.seq}`, uri: HOOK, version: 'Chat Gateway v1.0' },
  });
  return hook.id as string;
}

async function gwChannel(sim: Simulator, env: Env): Promise<string> {
  const channel = await sendOk(sim, 'POST', `${GW}/channels`, {
    headers: API_KEY,
    json: {
      name: `web-${++env.seq}`,
      type: 'ChatAPI',
      webHookId: env.gwHook,
      routingOptions: { type: 'queue', id: '100' },
    },
  });
  return channel.id as string;
}

async function gwConversation(sim: Simulator, env: Env): Promise<string> {
  const created = await sendOk(sim, 'POST', `${GW}/conversations`, {
    headers: API_KEY,
    json: { channelId: env.gwChannel, user: USER },
  });
  return created.conversationId as string;
}

function gw(params: Record<string, string>, body: ValidRequest['body']): ValidRequest {
  return { params, headers: API_KEY, body };
}

const v2Routes: FuzzRoute<Env>[] = [
  {
    method: 'POST',
    route: '/oauth/v2/token',
    auth: { header: 'authorization', scheme: 'basic' },
    envelope: eightByEightEnvelope,
    prepare: () => ({
      params: {},
      headers: { authorization: BASIC },
      body: { kind: 'form', value: { grant_type: 'client_credentials' } },
    }),
  },
  {
    method: 'POST',
    route: `${V2}/web-hooks`,
    auth: bearer,
    envelope: eightByEightEnvelope,
    prepare: (env) => ({
      params: v2Params(),
      headers: v2Headers(env),
      body: json({ name: 'hook', uri: HOOK, version: 'v2.0' }),
    }),
  },
  {
    method: 'PUT',
    route: `${V2}/web-hooks/:id`,
    auth: bearer,
    envelope: eightByEightEnvelope,
    prepare: (env) => ({
      params: v2Params({ id: env.v2Hook }),
      headers: v2Headers(env),
      body: json({ name: 'renamed', uri: HOOK, version: 'v2.0' }),
    }),
  },
  {
    method: 'DELETE',
    route: `${V2}/web-hooks/:id`,
    auth: bearer,
    envelope: eightByEightEnvelope,
    prepare: async (env, sim) => ({
      params: v2Params({ id: await v2Hook(sim, env) }),
      headers: v2Headers(env),
      body: { kind: 'none' },
    }),
  },
  {
    method: 'POST',
    route: `${V2}/web-hooks/verify`,
    auth: bearer,
    envelope: eightByEightEnvelope,
    prepare: (env) => ({
      params: v2Params(),
      headers: v2Headers(env),
      body: json({ version: 'v2.0', uri: HOOK }),
    }),
  },
  {
    method: 'POST',
    route: `${V2}/channels`,
    auth: bearer,
    envelope: eightByEightEnvelope,
    prepare: (env) => ({
      params: v2Params(),
      headers: v2Headers(env),
      body: json({ name: 'web', webHookId: env.v2Hook, routingOptions: { type: 'queue', id: '100' } }),
    }),
  },
  {
    method: 'PUT',
    route: `${V2}/channels/:id`,
    auth: bearer,
    envelope: eightByEightEnvelope,
    prepare: (env) => ({
      params: v2Params({ id: env.v2Channel }),
      headers: v2Headers(env),
      body: json({ name: 'renamed', webHookId: env.v2Hook, routingOptions: { type: 'queue', id: '100' } }),
    }),
  },
  {
    method: 'DELETE',
    route: `${V2}/channels/:id`,
    auth: bearer,
    envelope: eightByEightEnvelope,
    prepare: async (env, sim) => ({
      params: v2Params({ id: await v2Channel(sim, env) }),
      headers: v2Headers(env),
      body: { kind: 'none' },
    }),
  },
  {
    method: 'POST',
    route: `${V2}/conversations`,
    auth: bearer,
    envelope: eightByEightEnvelope,
    prepare: (env) => ({
      params: v2Params(),
      headers: v2Headers(env),
      body: json({
        channelId: env.v2Channel,
        customer: { name: 'Jane', email: 'jane@example.com', customerId: 'c-1', plan: 'gold' },
        history: { messages: [{ text: 'from the bot', type: 'bot' }, { text: 'question' }] },
      }),
    }),
  },
  {
    method: 'POST',
    route: `${V2}/conversations/:id/messages`,
    auth: bearer,
    envelope: eightByEightEnvelope,
    prepare: (env) => ({
      params: v2Params({ id: env.v2Conversation }),
      headers: v2Headers(env),
      body: json({ text: 'hello', authorType: 'user' }),
    }),
  },
  {
    method: 'DELETE',
    route: `${V2}/conversations/:id/participants/customer`,
    auth: bearer,
    envelope: eightByEightEnvelope,
    prepare: async (env, sim) => ({
      params: v2Params({ id: await v2Conversation(sim, env) }),
      headers: v2Headers(env),
      body: { kind: 'none' },
    }),
  },
];

const gatewayRoutes: FuzzRoute<Env>[] = [
  {
    method: 'POST',
    route: `${GW}/webhooks`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: () => gw({}, json({ name: 'hook', uri: HOOK, version: 'Chat Gateway v1.0' })),
  },
  {
    method: 'PUT',
    route: `${GW}/webhooks/:id`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) =>
      gw({ id: env.gwHook }, json({ name: 'renamed', uri: HOOK, version: 'Chat Gateway v1.0' })),
  },
  {
    method: 'DELETE',
    route: `${GW}/webhooks/:id`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: async (env, sim) => gw({ id: await gwHook(sim, env) }, { kind: 'none' }),
  },
  {
    method: 'POST',
    route: `${GW}/webhooks/verify`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: () => gw({}, json({ version: 'Chat Gateway v1.0', uri: HOOK })),
  },
  {
    method: 'POST',
    route: `${GW}/channels`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) =>
      gw(
        {},
        json({
          name: 'web',
          type: 'ChatAPI',
          webHookId: env.gwHook,
          routingOptions: { type: 'queue', id: '100' },
        }),
      ),
  },
  {
    method: 'PUT',
    route: `${GW}/channels/:id`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) =>
      gw(
        { id: env.gwChannel },
        json({
          name: 'renamed',
          type: 'ChatAPI',
          webHookId: env.gwHook,
          routingOptions: { type: 'queue', id: '100' },
        }),
      ),
  },
  {
    method: 'DELETE',
    route: `${GW}/channels/:id`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: async (env, sim) => gw({ id: await gwChannel(sim, env) }, { kind: 'none' }),
  },
  {
    method: 'POST',
    route: `${GW}/conversations`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) =>
      gw(
        {},
        json({
          channelId: env.gwChannel,
          user: { ...USER, additionalProperties: [{ key: 'plan', value: 'gold' }] },
          assignment: { type: 'queue', id: '200' },
          history: { messages: [{ authorType: 'bot', text: 'Hi, I am the bot' }] },
        }),
      ),
  },
  {
    method: 'PUT',
    route: `${GW}/conversations/:id`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) =>
      gw({ id: env.gwConversation }, json({ channelId: env.gwChannel, user: { ...USER, name: 'K' } })),
  },
  {
    method: 'PATCH',
    route: `${GW}/conversations/:id`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) =>
      gw(
        { id: env.gwConversation },
        json(
          ++env.seq % 2 === 0 ? { assignment: { type: 'queue', id: '200' } } : { user: { name: 'New Name' } },
        ),
      ),
  },
  {
    method: 'PATCH',
    route: `${GW}/conversations/:id/participants/user`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: async (env, sim) => gw({ id: await gwConversation(sim, env) }, json({ removed: true })),
  },
  {
    method: 'POST',
    route: `${GW}/conversations/:id/attachments`,
    auth: apiKey,
    multipart: true,
    envelope: eightByEightEnvelope,
    prepare: (env) =>
      gw(
        { id: env.gwConversation },
        {
          kind: 'multipart',
          fields: { authorType: 'user' },
          files: [{ field: 'attachment', fileName: 'note.txt', content: 'hello file', type: 'text/plain' }],
        },
      ),
  },
  {
    method: 'POST',
    route: `${GW}/conversations/:id/messages`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) =>
      gw(
        { id: env.gwConversation },
        json({
          authorType: 'bot',
          text: 'pick',
          cards: [
            { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } },
          ],
        }),
      ),
  },
  {
    method: 'POST',
    route: `${GW}/conversations/:id/read-receipt`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) => gw({ id: env.gwConversation }, json({ authorType: 'user', readAt: 1 })),
  },
  {
    method: 'POST',
    route: `${GW}/conversations/:id/thinking`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) => gw({ id: env.gwConversation }, json({ authorType: 'bot', maxThinkingTimeSeconds: 30 })),
  },
  {
    method: 'POST',
    route: `${GW}/conversations/:id/typing`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) => gw({ id: env.gwConversation }, json({ authorType: 'user' })),
  },
  {
    method: 'POST',
    route: `${GW}/conversations/:id/post-agent-assignment`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env) =>
      gw(
        { id: env.gwConversation },
        json({ type: 'webhook', id: env.gwHook, configuration: { maxTotalMinutes: 20 } }),
      ),
  },
  ...(['action-submit', 'action-execute'] as const).map((action) => ({
    method: 'PUT' as const,
    route: `/api/v1/tenant/:tenantId/conversations/:id/cards/:cardId/${action}`,
    auth: apiKey,
    envelope: eightByEightEnvelope,
    prepare: (env: Env) =>
      gw({ tenantId: 'acme', id: env.gwConversation, cardId: env.gwCard }, json({ name: '8x8' })),
  })),
];

defineFuzzSuite<Env>({
  name: '8x8',
  owns: (r) => ['/oauth/', '/vcc/', '/chat-gateway/', '/api/v1/tenant/'].some((b) => r.path.startsWith(b)),
  routes: [...v2Routes, ...gatewayRoutes],
  faults: true,
  async setup(sim) {
    const token = await sendOk(sim, 'POST', '/oauth/v2/token', {
      headers: { authorization: BASIC },
      form: 'grant_type=client_credentials',
    });
    const env: Env = {
      token: token.access_token as string,
      v2Hook: '',
      v2Channel: '',
      v2Conversation: '',
      gwHook: '',
      gwChannel: '',
      gwConversation: '',
      gwCard: '',
      seq: 0,
    };
    env.v2Hook = await v2Hook(sim, env);
    env.v2Channel = await v2Channel(sim, env);
    env.v2Conversation = await v2Conversation(sim, env);
    env.gwHook = await gwHook(sim, env);
    env.gwChannel = await gwChannel(sim, env);
    env.gwConversation = await gwConversation(sim, env);
    await sendOk(sim, 'POST', `${GW}/conversations/${env.gwConversation}/messages`, {
      headers: API_KEY,
      json: {
        authorType: 'bot',
        text: 'rate',
        cards: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: {} }],
      },
    });
    const listed = await sendOk(sim, 'GET', `${GW}/conversations/${env.gwConversation}/messages`, {
      headers: API_KEY,
    });
    env.gwCard = (listed._embedded as { messages: { cards: { id: string }[] }[] }).messages[0]!.cards[0]!.id;
    return env;
  },
  async probe(sim, env) {
    const v2 = await send(sim, 'GET', `${V2_PATH}/web-hooks`, { headers: v2Headers(env) });
    if (v2.status !== 200) return `GET v2 web-hooks answered ${v2.status} ${v2.text.slice(0, 200)}`;
    const gateway = await send(sim, 'GET', `${GW}/conversations/${env.gwConversation}`, { headers: API_KEY });
    return gateway.status === 200
      ? null
      : `GET Gateway conversation answered ${gateway.status} ${gateway.text.slice(0, 200)}`;
  },
  snapshot: (sim) => sim.control.state('8x8'),
});
