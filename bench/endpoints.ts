// The endpoints the benchmark loads: each provider's main write endpoint and one read, with the setup each
// needs (tokens, webhooks, channels, a conversation to read or write into). Requests and fixtures follow the
// provider tests in test/providers/<p>/. Setup runs over HTTP or in-process (app.request) alike.
import type { LoadRequest } from './load.ts';

/** The ids of the loaded endpoints. */
export type EndpointId =
  | 'ece-start'
  | '8x8-v2-create'
  | 'gateway-create'
  | 'chatwoot-create-conversation'
  | 'chatwoot-create-message'
  | 'airkit-start'
  | '8x8-v2-get';

/** What the report says about an endpoint. */
export type Endpoint = {
  id: EndpointId;
  title: string;
  kind: 'write' | 'read';
  /** Webhooks each request causes, and where they go. */
  webhooks: string;
  /** The receiver path segment its webhooks arrive on, when they go to the receiver. */
  hookKey?: string;
  /**
   * Measured from a cold start, without the matrix's warm-up: 8x8 v2 create, whose goal counts every webhook of
   * the run's creates (a warm-up's would still arrive during the run; drained first, the creates outran the first
   * webhooks, a first second of 2,309 creates then 764, which the stall check read as a stall).
   */
  cold?: true;
};

/** Every endpoint, in report order. */
export const ENDPOINTS: readonly Endpoint[] = [
  {
    id: 'ece-start',
    title: 'ECE start conversation',
    kind: 'write',
    webhooks: 'callbacks to the receiver (/ece)',
    hookKey: 'ece',
  },
  {
    id: '8x8-v2-create',
    title: '8x8 v2 create conversation',
    kind: 'write',
    webhooks: 'signed QUEUED + AGENT_JOINED to the receiver (/8x8)',
    hookKey: '8x8',
    cold: true,
  },
  {
    id: 'gateway-create',
    title: 'Chat Gateway create conversation',
    kind: 'write',
    webhooks: "none (the channel's web-hook is deleted after setup)",
  },
  {
    id: 'chatwoot-create-conversation',
    title: 'Chatwoot create conversation',
    kind: 'write',
    webhooks: 'none registered',
  },
  {
    id: 'chatwoot-create-message',
    title: 'Chatwoot create message (one conversation)',
    kind: 'write',
    webhooks: 'none registered',
  },
  {
    id: 'airkit-start',
    title: 'Airkit start conversation',
    kind: 'write',
    webhooks: 'none (managedByThirdPartySystem false)',
  },
  { id: '8x8-v2-get', title: '8x8 v2 GET one conversation', kind: 'read', webhooks: 'none' },
];

/** The creates the pre-fill cycles through: one conversation each. */
export const FILL_ENDPOINTS: readonly EndpointId[] = [
  'ece-start',
  '8x8-v2-create',
  'gateway-create',
  'chatwoot-create-conversation',
  'airkit-start',
];

/** How setup reaches a simulator: fetch against a URL, or `app.request` in-process. */
export type Call = (path: string, init: RequestInit) => Promise<Response>;

/** A Call over HTTP to `url`. */
export function toHttpCall(url: string, timeoutMs = 30_000): Call {
  return (path, init) => fetch(url + path, { ...init, signal: AbortSignal.timeout(Math.ceil(timeoutMs)) });
}

const ECE = '/system/ws/v19/clientapplications';
const V2 = '/vcc/us/chat/v2/tenant/acme';
const GW = '/chat-gateway/v1';
const CHATWOOT = '/api/v1/accounts/1';
const JSON_TYPE = 'application/json';

async function expectOk(call: Call, path: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await call(path, init);
  const text = await res.text();
  if (!res.ok)
    throw new Error(`bench setup: ${init.method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function post(headers: Record<string, string>, body: unknown): RequestInit {
  return { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

async function getEceToken(call: Call): Promise<string> {
  const token = await expectOk(
    call,
    `${ECE}/authentication/oauth2/token`,
    post(
      {
        authorization: `Basic ${Buffer.from('ece-chat-key:ece-chat-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: JSON_TYPE,
      },
      'grant_type=client_credentials',
    ),
  );
  return String(token.access_token);
}

async function get8x8Headers(call: Call): Promise<Record<string, string>> {
  const token = await expectOk(
    call,
    '/oauth/v2/token',
    post(
      {
        authorization: `Basic ${Buffer.from('8x8-key:8x8-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      'grant_type=client_credentials',
    ),
  );
  return { authorization: `Bearer ${token.access_token}`, 'content-type': JSON_TYPE };
}

async function setUpV2Create(call: Call, hooksUrl: string): Promise<LoadRequest> {
  const headers = await get8x8Headers(call);
  const hook = await expectOk(
    call,
    `${V2}/web-hooks`,
    post(headers, { name: 'bench', uri: `${hooksUrl}/8x8`, version: 'v2.0' }),
  );
  const channel = await expectOk(
    call,
    `${V2}/channels`,
    post(headers, { name: 'bench', webHookId: hook.id, routingOptions: { type: 'queue', id: '100' } }),
  );
  return {
    method: 'POST',
    path: `${V2}/conversations`,
    headers,
    body: JSON.stringify({
      channelId: channel.id,
      customer: { name: 'Bench Customer', email: 'bench@example.com' },
    }),
  };
}

const GATEWAY_USER = { name: 'Bench User', userId: 'bench-1', email: 'bench@example.com', language: 'en' };

async function setUpGatewayCreate(call: Call, hooksUrl: string): Promise<LoadRequest> {
  const headers = { 'x-api-key': '8x8-gateway-key', 'content-type': JSON_TYPE };
  const hook = await expectOk(
    call,
    `${GW}/webhooks`,
    post(headers, { name: 'bench', uri: `${hooksUrl}/gateway`, version: 'Chat Gateway v1.0' }),
  );
  const channel = await expectOk(
    call,
    `${GW}/channels`,
    post(headers, {
      name: 'bench',
      type: 'ChatAPI',
      webHookId: hook.id,
      routingOptions: { type: 'queue', id: '100' },
    }),
  );
  // A channel needs a web-hook to be created; deleting it afterwards gives creates without webhooks.
  const deleted = await call(`${GW}/webhooks/${hook.id}`, { method: 'DELETE', headers });
  await deleted.arrayBuffer();
  if (!deleted.ok) throw new Error(`bench setup: DELETE gateway web-hook answered ${deleted.status}`);
  return {
    method: 'POST',
    path: `${GW}/conversations`,
    headers,
    body: JSON.stringify({ channelId: channel.id, user: GATEWAY_USER }),
  };
}

const CHATWOOT_HEADERS = { api_access_token: 'chatwoot-token', 'content-type': JSON_TYPE };
const CHATWOOT_CREATE = { source_id: 'contact-source-1' };

/** Sets up what `id` needs and returns the request to repeat; throws when a setup call is not 2xx. */
export async function setUpEndpoint(id: EndpointId, call: Call, hooksUrl: string): Promise<LoadRequest> {
  switch (id) {
    case 'ece-start':
      return {
        method: 'POST',
        path: `${ECE}/messaging/conversation/start?anonymousCustomer=yes`,
        headers: {
          authorization: `Bearer ${await getEceToken(call)}`,
          'content-type': JSON_TYPE,
          accept: JSON_TYPE,
        },
        body: JSON.stringify({
          entryPointConfiguration: {
            entryPoint: { id: 1001 },
            lastModified: { date: '2024-11-05T09:30:00.000Z' },
          },
        }),
      };
    case '8x8-v2-create':
      return setUpV2Create(call, hooksUrl);
    case 'gateway-create':
      return setUpGatewayCreate(call, hooksUrl);
    case 'chatwoot-create-conversation':
      return {
        method: 'POST',
        path: `${CHATWOOT}/conversations`,
        headers: CHATWOOT_HEADERS,
        body: JSON.stringify(CHATWOOT_CREATE),
      };
    case 'chatwoot-create-message': {
      const conversation = await expectOk(
        call,
        `${CHATWOOT}/conversations`,
        post(CHATWOOT_HEADERS, CHATWOOT_CREATE),
      );
      return {
        method: 'POST',
        path: `${CHATWOOT}/conversations/${conversation.id}/messages`,
        headers: CHATWOOT_HEADERS,
        body: JSON.stringify({ content: 'Hello from the benchmark' }),
      };
    }
    case 'airkit-start':
      return {
        method: 'POST',
        path: '/airkit/v1/conversations',
        headers: { authorization: 'Bearer airkit-token', 'content-type': JSON_TYPE },
        body: JSON.stringify({
          conversationHubChannelResource: 'hub-default',
          customerDestination: { type: 'Text', value: 'bench-session' },
          managedByThirdPartySystem: false,
        }),
      };
    case '8x8-v2-get': {
      const create = await setUpV2Create(call, hooksUrl);
      const created = await expectOk(call, create.path, {
        method: 'POST',
        headers: create.headers,
        body: create.body,
      });
      return {
        method: 'GET',
        path: `${V2}/conversations/${created.conversationId}`,
        headers: { authorization: create.headers.authorization! },
      };
    }
  }
}

/** The listings timed at each scale step (paged or not, as the providers serve them today). */
export const LISTINGS: readonly { title: string; request: LoadRequest }[] = [
  {
    title: 'Chatwoot list conversations (page 1)',
    request: { method: 'GET', path: `${CHATWOOT}/conversations`, headers: CHATWOOT_HEADERS },
  },
  {
    title: 'Chatwoot search conversations (q=bench)',
    request: { method: 'GET', path: `${CHATWOOT}/conversations?q=bench`, headers: CHATWOOT_HEADERS },
  },
  {
    title: 'Chatwoot search contacts (q=jane)',
    request: { method: 'GET', path: `${CHATWOOT}/contacts/search?q=jane`, headers: CHATWOOT_HEADERS },
  },
  {
    title: 'Airkit list conversations',
    request: {
      method: 'GET',
      path: '/airkit/v1/conversations',
      headers: { authorization: 'Bearer airkit-token' },
    },
  },
  {
    title: 'Gateway list conversations',
    request: { method: 'GET', path: `${GW}/conversations`, headers: { 'x-api-key': '8x8-gateway-key' } },
  },
  {
    title: 'GET /__admin/conversations',
    request: { method: 'GET', path: '/__admin/conversations', headers: {} },
  },
  { title: 'GET /__admin/requests', request: { method: 'GET', path: '/__admin/requests', headers: {} } },
  { title: 'GET /__admin/deliveries', request: { method: 'GET', path: '/__admin/deliveries', headers: {} } },
];
