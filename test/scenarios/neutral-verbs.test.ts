// The neutral verbs take the same arguments on every provider that offers them, and every provider plays raw steps.
import { expect, test } from 'vitest';
import { eightByEightProvider } from '../../src/providers/8x8/index.ts';
import { airkitProvider } from '../../src/providers/airkit/index.ts';
import { chatwootProvider } from '../../src/providers/chatwoot/index.ts';
import { eceProvider } from '../../src/providers/ece/index.ts';
import { scenarioExtension, toScenarioApi } from '../../src/scenarios/index.ts';
import type { Simulator, SimulatorOptions } from '../../src/simulator.ts';
import { createRecordingSender } from '../support/recording-sender.ts';
import { createTestSimulator } from '../support/simulator.ts';

const HOOK = 'http://sut.test/hook';

/** A simulator whose webhooks all go to a recorder that answers 200. */
async function createRecordingSim(options: SimulatorOptions) {
  const { send, sent } = createRecordingSender();
  const sim = await createTestSimulator({
    defaultFixtures: true,
    fixtures: {},
    send,
    extensions: [scenarioExtension()],
    ...options,
  });
  return { sim, sent };
}

async function request(sim: Simulator, method: string, path: string, body: unknown, headers = {}) {
  const res = await sim.app.request(path, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** Per provider: a simulator with a webhook to HOOK, and how the SUT starts a conversation there. */
const setUps = {
  ece: async () => {
    const env = await createRecordingSim({
      providers: [eceProvider],
      providerOptions: { ece: { callbackUrl: HOOK } },
    });
    const base = '/system/ws/v19/clientapplications';
    const token = await request(
      env.sim,
      'POST',
      `${base}/authentication/oauth2/token`,
      'grant_type=client_credentials',
      {
        authorization: `Basic ${Buffer.from('ece-chat-key:ece-chat-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    const start = () =>
      request(
        env.sim,
        'POST',
        `${base}/messaging/conversation/start?anonymousCustomer=yes&sendTypingNotification=yes`,
        {
          entryPointConfiguration: {
            entryPoint: { id: 1001 },
            lastModified: { date: '2024-11-05T09:30:00.000Z' },
          },
        },
        { authorization: `Bearer ${token.access_token}` },
      );
    return { ...env, start };
  },
  '8x8': async () => {
    const env = await createRecordingSim({ providers: [eightByEightProvider] });
    const gateway = (path: string, body: unknown) =>
      request(env.sim, 'POST', `/chat-gateway/v1${path}`, body, { 'x-api-key': '8x8-gateway-key' });
    const hook = await gateway('/webhooks', { name: 'sut', uri: HOOK, version: 'Chat Gateway v1.0' });
    const channel = await gateway('/channels', {
      name: 'web',
      type: 'ChatAPI',
      webHookId: hook.id,
      routingOptions: { type: 'queue', id: '100' },
    });
    return {
      ...env,
      start: () => gateway('/conversations', { channelId: channel.id, user: { name: 'Ada' } }),
    };
  },
  chatwoot: async () => {
    const inbox = {
      id: 1,
      account_id: 1,
      name: 'API Inbox',
      channel_type: 'Channel::Api',
      webhook_url: HOOK,
    };
    const env = await createRecordingSim({
      providers: [chatwootProvider],
      fixtures: { chatwoot: { inboxes: [{ ...inbox, secret: 'api-inbox-secret', member_ids: [1, 2] }] } },
    });
    const start = () =>
      request(
        env.sim,
        'POST',
        '/api/v1/accounts/1/conversations',
        { source_id: 'contact-source-1' },
        {
          api_access_token: 'chatwoot-token',
        },
      );
    return { ...env, start };
  },
  airkit: async () => {
    const resource = {
      id: 'hub-default',
      name: 'Default',
      hubId: 'hub-main',
      channel: 'chat',
      webhookUrl: HOOK,
    };
    const env = await createRecordingSim({
      providers: [airkitProvider],
      fixtures: { airkit: { resources: [{ ...resource, secret: 'airkit-webhook-secret' }] } },
    });
    const start = () =>
      request(
        env.sim,
        'POST',
        '/airkit/v1/conversations',
        {
          conversationHubChannelResource: 'hub-default',
          customerDestination: { type: 'Text', value: 'session-1' },
        },
        { authorization: 'Bearer airkit-token' },
      );
    return { ...env, start };
  },
};

const typingStep = `
  - after: 5s
    agent.typing: { typing: false }`;

const scenario = (provider: string, withTyping: boolean) => `
name: neutral verbs on ${provider}
provider: ${provider}
steps:${withTyping ? typingStep : ''}
  - raw:
      type: custom.note
      body: { note: "raw for {{conversationId}}" }
      headers: { x-scenario: neutral }
  - expect.delivery: { type: custom.note, state: delivered, within: 10s }
`;

test.each(['ece', '8x8', 'chatwoot'] as const)(
  '%s plays agent.typing {typing: false} and a raw step, and the raw body reaches its webhook as is',
  async (provider) => {
    const { sim, sent, start } = await setUps[provider]();
    const scenarios = toScenarioApi(sim);
    const run = scenarios.run(scenarios.load(scenario(provider, true), { file: `${provider}.yaml` }));
    await start();
    const report = await scenarios.drive(run);
    expect(report.steps.map((s) => [s.verb, s.status, s.message ?? null])).toEqual([
      ['agent.typing', 'passed', null],
      ['raw', 'passed', null],
      ['expect.delivery', 'passed', null],
    ]);
    const raw = sent.find((r) => r.headers['x-scenario'] === 'neutral');
    expect(raw).toMatchObject({
      url: HOOK,
      body: JSON.stringify({ note: `raw for ${report.conversationId}` }),
    });
  },
);

test('airkit plays the raw step, and refuses agent.typing at load because it has no such verb', async () => {
  const { sim, sent, start } = await setUps.airkit();
  const scenarios = toScenarioApi(sim);
  expect(() => scenarios.load(scenario('airkit', true), { file: 'airkit.yaml' })).toThrow(
    /airkit\.yaml:\d+: steps\[0\]: airkit has no action 'agent\.typing'/,
  );
  const run = scenarios.run(scenarios.load(scenario('airkit', false), { file: 'airkit.yaml' }));
  await start();
  const report = await scenarios.drive(run);
  expect(report.steps.map((s) => [s.verb, s.status, s.message ?? null])).toEqual([
    ['raw', 'passed', null],
    ['expect.delivery', 'passed', null],
  ]);
  const raw = sent.find((r) => r.headers['x-scenario'] === 'neutral');
  expect(raw).toMatchObject({
    url: HOOK,
    body: JSON.stringify({ note: `raw for ${report.conversationId}` }),
  });
  expect(raw?.headers['X-Airkit-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
});
