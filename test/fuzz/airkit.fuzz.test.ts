// Fuzz suite of the Airkit provider (issue 10 deliverable 3). Findings: /work/notes/fuzz-airkit.md.
import { defineFuzzSuite, type FuzzRoute, send, sendOk } from '../support/fuzz-harness.ts';
import { adminEnvelope, airkitEnvelope } from './envelopes.ts';

type Env = { conversationId: string; seq: number };

const AUTH = { authorization: 'Bearer airkit-token' };
const auth = { header: 'authorization', scheme: 'bearer' } as const;
const HOOK = 'http://hooks.test/airkit';

const startBody = {
  conversationHubChannelResource: 'hub-default',
  customerDestination: { type: 'Text', value: 'session-1' },
  customerIdentifier: 'customer-1',
  managedByThirdPartySystem: true,
};

async function startConversation(sim: Parameters<FuzzRoute<Env>['prepare']>[1]): Promise<string> {
  const body = await sendOk(sim, 'POST', '/airkit/v1/conversations', { headers: AUTH, json: startBody });
  return body.id as string;
}

async function createResource(env: Env, sim: Parameters<FuzzRoute<Env>['prepare']>[1]): Promise<string> {
  const id = `fuzz-resource-${++env.seq}`;
  await sendOk(sim, 'POST', '/__admin/providers/airkit/resources', {
    json: { id, name: 'Fuzz', hubId: 'hub-main', channel: 'chat', webhookUrl: HOOK, secret: 's' },
  });
  return id;
}

const routes: FuzzRoute<Env>[] = [
  {
    method: 'POST',
    route: '/airkit/v1/conversations',
    auth,
    envelope: airkitEnvelope,
    prepare: () => ({ params: {}, headers: AUTH, body: { kind: 'json', value: startBody } }),
  },
  {
    method: 'POST',
    route: '/airkit/v1/conversations/:id/messages',
    auth,
    envelope: airkitEnvelope,
    prepare: (env) => ({
      params: { id: env.conversationId },
      headers: AUTH,
      body: { kind: 'json', value: { text: 'Hello from the third party' } },
    }),
  },
  {
    method: 'POST',
    route: '/airkit/v1/conversations/:id/end',
    auth,
    envelope: airkitEnvelope,
    prepare: async (_env, sim) => ({
      params: { id: await startConversation(sim) },
      headers: AUTH,
      body: { kind: 'none' },
    }),
  },
  {
    method: 'POST',
    route: '/__admin/providers/airkit/resources',
    envelope: adminEnvelope,
    prepare: (env) => ({
      params: {},
      body: {
        kind: 'json',
        value: {
          id: `fuzz-new-${++env.seq}`,
          name: 'New resource',
          hubId: 'hub-main',
          channel: 'chat',
          webhookUrl: HOOK,
          secret: 'secret',
        },
      },
    }),
  },
  {
    method: 'PATCH',
    route: '/__admin/providers/airkit/resources/:id',
    envelope: adminEnvelope,
    prepare: async (env, sim) => ({
      params: { id: await createResource(env, sim) },
      body: {
        kind: 'json',
        value: { name: 'Renamed', webhookUrl: `${HOOK}/2`, hubId: 'hub-main', channel: 'chat' },
      },
    }),
  },
];

defineFuzzSuite<Env>({
  name: 'airkit',
  owns: (r) => r.path.startsWith('/airkit/') || r.path.startsWith('/__admin/providers/airkit/'),
  routes,
  faults: true,
  async setup(sim) {
    // A PATCH changes only the fields it names (issue 16 item 11).
    await sendOk(sim, 'PATCH', '/__admin/providers/airkit/resources/hub-default', {
      json: { webhookUrl: HOOK, secret: 'airkit-webhook-secret' },
    });
    return { conversationId: await startConversation(sim), seq: 0 };
  },
  async probe(sim) {
    const list = await send(sim, 'GET', '/airkit/v1/conversations', { headers: AUTH });
    if (list.status !== 200)
      return `GET /airkit/v1/conversations answered ${list.status} ${list.text.slice(0, 200)}`;
    const started = await send(sim, 'POST', '/airkit/v1/conversations', {
      headers: AUTH,
      json: { ...startBody, managedByThirdPartySystem: false },
    });
    return started.status === 201
      ? null
      : `a valid start answered ${started.status} ${started.text.slice(0, 200)}`;
  },
  snapshot: (sim) => sim.control.state('airkit'),
});
