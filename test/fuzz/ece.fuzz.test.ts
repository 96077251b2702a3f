// Fuzz suite of the Cisco ECE provider (issue 10 deliverable 3). Findings: /work/notes/fuzz-ece.md.
import type { Simulator } from '../../src/simulator.ts';
import { defineFuzzSuite, type FuzzRoute, send, sendOk, type ValidRequest } from '../support/fuzz-harness.ts';
import { adminEnvelope, eceEnvelope, providerAdminEnvelope } from './envelopes.ts';

type Env = { token: string; conversationId: string; seq: number };

const BASES = ['/system/ws/v19/clientapplications', '/ws/v19/clientapplications'] as const;
const BASIC = `Basic ${Buffer.from('ece-chat-key:ece-chat-secret').toString('base64')}`;
const LAST_MODIFIED = '2024-11-05T09:30:00.000Z';
const bearer = { header: 'authorization', scheme: 'bearer' } as const;

const entryPointConfiguration = { entryPoint: { id: 1001 }, lastModified: { date: LAST_MODIFIED } };

/** An anonymous start with every optional activity element (seed 003), or a customer start (search on email). */
function startRequest(env: Env): ValidRequest {
  const anonymous = ++env.seq % 2 === 0;
  const headers = { authorization: `Bearer ${env.token}`, accept: 'application/json' };
  if (anonymous) {
    return {
      params: {},
      query: [
        ['anonymousCustomer', 'yes'],
        ['sendTypingNotification', 'yes'],
      ],
      headers,
      body: {
        kind: 'json',
        value: {
          entryPointConfiguration,
          activity: {
            subject: 'Order question',
            payload: {
              chat: {
                clientInfo: {
                  timeOffset: -60,
                  referrerName: 'Shop',
                  referrerURL: 'https://shop.example/p',
                  isRichTextSupported: true,
                },
              },
            },
            customAttributes: { priority_level: 'high', order_number: 'ORD-1001/A', quantity: 3 },
          },
        },
      },
    };
  }
  return {
    params: {},
    query: [['searchContactOnAttribute', 'email.emailAddress']],
    headers,
    body: {
      kind: 'json',
      value: {
        entryPointConfiguration,
        activity: {
          subject: 'Returning customer',
          customer: {
            type: { value: 'individual' },
            contacts: {
              contact: [
                { firstName: 'Jane', lastName: 'Doe', email: [{ emailAddress: 'jane.doe@example.com' }] },
              ],
            },
          },
          case: { id: 2001 },
          customAttributes: { attribute: [{ name: 'priority_level', value: 'low' }] },
        },
      },
    },
  };
}

function sendMessageRequest(env: Env): ValidRequest {
  const attachment = ++env.seq % 2 === 0;
  return {
    params: {},
    headers: { authorization: `Bearer ${env.token}`, accept: 'application/json' },
    body: {
      kind: 'json',
      value: attachment
        ? {
            conversation: { id: env.conversationId },
            type: { value: 'uploadAttachment' },
            attachments: {
              attachment: [
                {
                  fileName: 'attachment.jpeg',
                  contentType: 'image/jpeg',
                  size: '32',
                  contentUrl: 'https://cdn.example.com/a.jpeg',
                },
              ],
            },
          }
        : { conversation: { id: env.conversationId }, type: { value: 'text/plain' }, content: 'Hello' },
    },
  };
}

async function getToken(sim: Simulator): Promise<string> {
  const body = await sendOk(sim, 'POST', `${BASES[0]}/authentication/oauth2/token`, {
    headers: { authorization: BASIC, accept: 'application/json' },
    form: 'grant_type=client_credentials',
  });
  return body.access_token as string;
}

// The documentation's short base path is an alias of the server's (same handlers): fuzzed with the light catalogue.
const apiRoutes: FuzzRoute<Env>[] = BASES.flatMap((base): FuzzRoute<Env>[] => [
  {
    method: 'POST',
    route: `${base}/authentication/oauth2/token`,
    light: base !== BASES[0],
    auth: { header: 'authorization', scheme: 'basic' },
    envelope: eceEnvelope,
    prepare: () => ({
      params: {},
      headers: { authorization: BASIC, accept: 'application/json' },
      body: { kind: 'form', value: { grant_type: 'client_credentials' } },
    }),
  },
  {
    method: 'POST',
    route: `${base}/messaging/conversation/start`,
    light: base !== BASES[0],
    auth: bearer,
    xml: true,
    multipart: true,
    envelope: eceEnvelope,
    prepare: (env) => startRequest(env),
  },
  {
    method: 'POST',
    route: `${base}/messaging/sendmessage`,
    light: base !== BASES[0],
    auth: bearer,
    xml: true,
    multipart: true,
    envelope: eceEnvelope,
    prepare: (env) => sendMessageRequest(env),
  },
]);

const ADMIN = '/__admin/providers/ece';
const eceAdminEnvelope = providerAdminEnvelope(adminEnvelope);

const adminRoutes: FuzzRoute<Env>[] = [
  {
    method: 'PUT',
    route: `${ADMIN}/client-applications/:key/callback`,
    envelope: eceAdminEnvelope,
    prepare: () => ({
      params: { key: 'ece-chat-key' },
      body: {
        kind: 'json',
        value: {
          url: 'http://callback.test/ece',
          active: true,
          format: 'json',
          auth: { type: 'basic', username: 'u', password: 'p' },
        },
      },
    }),
  },
  {
    method: 'PUT',
    route: `${ADMIN}/agents/:id`,
    envelope: eceAdminEnvelope,
    prepare: () => ({
      params: { id: '1' },
      body: { kind: 'json', value: { loggedIn: true, available: true, maxChats: 2, queues: ['q-sales'] } },
    }),
  },
  {
    method: 'PUT',
    route: `${ADMIN}/settings`,
    envelope: eceAdminEnvelope,
    prepare: () => ({
      params: {},
      body: { kind: 'json', value: { assignmentServiceRunning: true, customerDepartmentalization: false } },
    }),
  },
  {
    method: 'PUT',
    route: `${ADMIN}/entry-points/:id`,
    envelope: eceAdminEnvelope,
    prepare: () => ({
      params: { id: '1001' },
      body: { kind: 'json', value: { lastModified: LAST_MODIFIED } },
    }),
  },
];

defineFuzzSuite<Env>({
  name: 'ece',
  owns: (r) => BASES.some((b) => r.path.startsWith(`${b}/`)) || r.path.startsWith(`${ADMIN}/`),
  routes: [...apiRoutes, ...adminRoutes],
  faults: true,
  async setup(sim) {
    const env: Env = { token: await getToken(sim), conversationId: '', seq: 0 };
    const started = startRequest({ ...env, seq: 1 });
    const query = new URLSearchParams(started.query).toString();
    const conversation = await sendOk(sim, 'POST', `${BASES[0]}/messaging/conversation/start?${query}`, {
      headers: started.headers,
      json: (started.body as { value: unknown }).value,
    });
    env.conversationId = conversation.id as string;
    return env;
  },
  async probe(sim) {
    const token = await send(sim, 'POST', `${BASES[0]}/authentication/oauth2/token`, {
      headers: { authorization: BASIC, accept: 'application/json' },
      form: 'grant_type=client_credentials',
    });
    if (token.status !== 200) return `the token request answered ${token.status} ${token.text.slice(0, 200)}`;
    const access = (token.json as { access_token: string }).access_token;
    const config = await send(sim, 'GET', `${BASES[0]}/messaging/configuration?entrypoint=1001`, {
      headers: { authorization: `Bearer ${access}`, accept: 'application/json' },
    });
    return config.status === 200
      ? null
      : `configuration answered ${config.status} ${config.text.slice(0, 200)}`;
  },
  snapshot: (sim) => sim.control.state('ece'),
});
