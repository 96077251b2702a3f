import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { createSimulator, type Simulator, toScenarioApi } from '../../src/index.ts';

const BASE = '/system/ws/v19/clientapplications';
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

/**
 * An ECE client application over real HTTP, designed as most are: it answers each callback at once, and only
 * then (on a later turn of its event loop) calls the API to answer the agent.
 */
async function startAnswerFirstSut() {
  let simUrl = '';
  let token = '';
  const api = (path: string, body: unknown) =>
    fetch(`${simUrl}${BASE}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify(body),
    });
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      res.writeHead(200).end();
      const { message } = JSON.parse(text) as {
        message: { conversation: { id: string }; type: { value: string }; content?: string }[];
      };
      for (const m of message) {
        if (m.type.value !== 'text/plain') continue;
        setImmediate(() => {
          // A late answer may find the simulator closed when the test has failed: that is not this test's point.
          api('/messaging/sendmessage', {
            conversation: m.conversation,
            type: { value: 'text/plain' },
            content: 'I would like a refund, please.',
          }).catch(() => {});
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  return {
    callbackUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ece`,
    async start(url: string) {
      simUrl = url;
      const auth = await fetch(`${url}${BASE}/authentication/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('ece-chat-key:ece-chat-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      token = ((await auth.json()) as { access_token: string }).access_token;
      await api('/messaging/conversation/start?anonymousCustomer=yes', {
        entryPointConfiguration: {
          entryPoint: { id: 1001 },
          lastModified: { date: '2024-11-05T09:30:00.000Z' },
        },
      });
    },
  };
}

async function createServedSimulator(callbackUrl: string): Promise<Simulator> {
  const sim = await createSimulator({
    clock: 'virtual',
    store: 'memory',
    seed: 1,
    providerOptions: { ece: { callbackUrl } },
    logger: () => {},
  });
  open.push(sim);
  await sim.listen(0);
  return sim;
}

test('drive waits for a system under test that answers the webhook first and calls the API after', async () => {
  const sut = await startAnswerFirstSut();
  const sim = await createServedSimulator(sut.callbackUrl);
  const scenarios = toScenarioApi(sim);
  const run = scenarios.run(scenarios.loadFile('fixtures/scenarios/ece-happy-path.yaml'));
  await sut.start(sim.url!);
  const report = await scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report.status).toBe('passed');
});

test('the admin API drives a run with the same quiet window when settleMs is not given', async () => {
  const sut = await startAnswerFirstSut();
  const sim = await createServedSimulator(sut.callbackUrl);
  const { readFileSync } = await import('node:fs');
  const posted = await fetch(`${sim.url}/__admin/scenarios/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      source: readFileSync('fixtures/scenarios/ece-happy-path.yaml', 'utf8'),
      file: 'ece-happy-path.yaml',
      drive: true,
    }),
  });
  const { id } = (await posted.json()) as { id: string };
  await sut.start(sim.url!);
  const report = await toScenarioApi(sim).get(id)!.outcome;
  expect(report.status).toBe('passed');
});

test('drive with settleMs 0 moves time as soon as the simulator is idle', async () => {
  const sut = await startAnswerFirstSut();
  const sim = await createServedSimulator(sut.callbackUrl);
  const scenarios = toScenarioApi(sim);
  const run = scenarios.run(scenarios.loadFile('fixtures/scenarios/ece-happy-path.yaml'));
  await sut.start(sim.url!);
  const report = await scenarios.drive(run, { settleMs: 0 });
  expect(report.status).toBe('failed');
  expect(report.error).toMatch(/expect\.message/);
});
