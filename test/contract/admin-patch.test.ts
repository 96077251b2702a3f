// Issue 16 item 11: an admin PATCH (or PUT-like update) changes only the fields it is given. A PATCH of Airkit's
// resource with only `webhookUrl`, as the README tells users to send, must keep `hubId` (else every later start
// answers 409 RESOURCE_NOT_ASSOCIATED). Every such operation of every shipped provider is listed below; the first
// test fails when a provider adds one without a case here.
import { describe, expect, test } from 'vitest';
import { defaultProviders } from '../../src/providers/registry.ts';
import { createTestSimulator } from '../support/simulator.ts';

type UpdateCase = {
  /** The admin route, with its parameters filled in. */
  path: string;
  /** Where the record the operation changes sits in the provider's state. */
  record: (state: Record<string, Record<string, unknown>>) => unknown;
  /** One value per field, different from the default fixtures' value. */
  fields: Record<string, unknown>;
};

/** Every update operation (PATCH or PUT) by `<provider> <operation>`. */
const CASES: Record<string, UpdateCase> = {
  'ece clientApplications.setCallback': {
    path: '/client-applications/ece-chat-key/callback',
    record: (s) => (s.clientApplications!['ece-chat-key'] as { callback: unknown }).callback,
    fields: {
      url: 'http://other.test/cb',
      active: false,
      format: 'xml',
      auth: { type: 'basic', username: 'u', password: 'p' },
    },
  },
  'ece agents.update': {
    path: '/agents/1',
    record: (s) => s.agents!['1'],
    fields: { loggedIn: false, available: false, maxChats: 7, queues: ['q-other'] },
  },
  'ece settings.update': {
    path: '/settings',
    record: (s) => s.settings,
    fields: { assignmentServiceRunning: false, customerDepartmentalization: true },
  },
  'ece entryPoints.update': {
    path: '/entry-points/1001',
    record: (s) => s.entryPoints!['1001'],
    fields: { lastModified: '2030-01-02T03:04:05.000Z' },
  },
  'airkit resources.update': {
    path: '/resources/hub-default',
    record: (s) => s.resources!['hub-default'],
    fields: {
      name: 'Renamed',
      hubId: null,
      channel: 'sms',
      webhookUrl: 'http://sut.test/hook',
      secret: 'another-secret',
    },
  },
};

const UPDATES = defaultProviders.flatMap((provider) =>
  Object.entries(provider.admin ?? {})
    .filter(([, op]) => op.method === 'PATCH' || op.method === 'PUT')
    .map(([name, op]) => ({ key: `${provider.name} ${name}`, provider: provider.name, method: op.method })),
);

async function createSim() {
  return createTestSimulator({ providers: [...defaultProviders], defaultFixtures: true, fixtures: {} });
}

test('every PATCH and PUT admin operation of every provider has a partial-update case', () => {
  expect(UPDATES.map((u) => u.key).sort()).toEqual(Object.keys(CASES).sort());
});

describe.each(UPDATES)('$key', ({ key, provider, method }) => {
  const { path, record, fields } = CASES[key]!;

  test.each(Object.keys(fields))(
    `${method} with only %s changes that field and keeps every other`,
    async (field) => {
      const sim = await createSim();
      const state = () => sim.control.state(provider) as Record<string, Record<string, unknown>>;
      const before = structuredClone(record(state())) as Record<string, unknown>;
      expect(before[field], 'the case must change the field').not.toEqual(fields[field]);
      const res = await sim.app.request(`/__admin/providers/${provider}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ [field]: fields[field] }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(record(state())).toEqual({ ...before, [field]: fields[field] });
    },
  );
});

test('a PATCH of an Airkit resource with only webhookUrl keeps it associated, and conversations still start', async () => {
  const sim = await createSim();
  const patched = await sim.app.request('/__admin/providers/airkit/resources/hub-default', {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ webhookUrl: 'http://sut.test/hook' }),
  });
  expect(patched.status).toBe(200);
  const started = await sim.app.request('/airkit/v1/conversations', {
    method: 'POST',
    headers: { authorization: 'Bearer airkit-token', 'content-type': 'application/json' },
    body: JSON.stringify({ conversationHubChannelResource: 'hub-default', customerDestination: 'session-1' }),
  });
  expect(started.status, await started.clone().text()).toBe(201);
});

// The same defect in a provider API update: Chatwoot's PATCH /webhooks/{id} (Rails `update` with the params given).
describe('Chatwoot PATCH /api/v1/accounts/{account_id}/webhooks/{id}', () => {
  const BASE = '/api/v1/accounts/1/webhooks';
  const headers = { api_access_token: 'chatwoot-token', 'content-type': 'application/json' };
  const created = {
    url: 'http://sut.test/one',
    name: 'First',
    subscriptions: ['conversation_created', 'message_created'],
  };

  test.each([
    ['url', 'http://sut.test/two'],
    ['name', 'Renamed'],
    ['subscriptions', ['message_updated']],
  ])('PATCH with only %s changes that field and keeps every other', async (field, value) => {
    const sim = await createSim();
    const post = await sim.app.request(BASE, { method: 'POST', headers, body: JSON.stringify(created) });
    expect(post.status, await post.clone().text()).toBe(200);
    const before = ((await post.json()) as { payload: { webhook: Record<string, unknown> } }).payload.webhook;
    const patch = await sim.app.request(`${BASE}/${before.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ [field]: value }),
    });
    expect(patch.status, await patch.clone().text()).toBe(200);
    const after = ((await patch.json()) as { payload: { webhook: Record<string, unknown> } }).payload.webhook;
    expect(after).toEqual({ ...before, [field]: value });
  });
});
