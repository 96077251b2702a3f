import { expect, test } from 'vitest';
import type { OutboundRequest } from '../../../src/dispatcher.ts';
import type { ProviderContext } from '../../../src/provider/contract.ts';
import { airkitProvider } from '../../../src/providers/airkit/index.ts';
import { type AirkitState, applyConversation, applyMessage } from '../../../src/providers/airkit/model.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { guardScans } from '../../support/scan-guard.ts';
import { createTestSimulator } from '../../support/simulator.ts';
import { call, KEY } from './helpers.ts';

/** Stored conversations, and messages of the busiest one: more than THRESHOLD of each. */
const STORED = 1500;
const THRESHOLD = 1000;
const BASE = '/airkit/v1/conversations';

type Filled = {
  sim: Simulator;
  ctx: ProviderContext<AirkitState>;
  /** Whether the receiver answers (false: every webhook fails and is retried). */
  receiverUp: { value: boolean };
};

/**
 * A simulator holding STORED third-party managed conversations on `hub-default`, the last one with STORED messages,
 * written through the provider's own transitions in one update (filling through HTTP would take a minute).
 */
async function createFilledSim(): Promise<Filled> {
  let captured: ProviderContext<AirkitState> | undefined;
  const receiverUp = { value: true };
  const sim = await createTestSimulator({
    providers: [
      {
        ...airkitProvider,
        createState: (fixtures, c) => {
          captured = c as ProviderContext<AirkitState>;
          return airkitProvider.createState(fixtures, c);
        },
      },
    ],
    defaultFixtures: true,
    fixtures: {
      airkit: {
        resources: [
          { id: 'hub-default', hubId: 'hub-main', channel: 'chat', webhookUrl: 'http://sut.test/airkit' },
        ],
      },
    },
    send: async (_request: OutboundRequest) => ({ status: receiverUp.value ? 200 : 503, body: '' }),
  });
  const ctx = captured!;
  const now = ctx.clock.now();
  ctx.update((s) => {
    for (let i = 1; i <= STORED; i++) {
      const id = `conv_fill${i}`;
      applyConversation(s, {
        id,
        resourceId: 'hub-default',
        hubId: 'hub-main',
        channel: 'chat',
        customerDestination: { type: 'Text', sessionId: `session-${i}` },
        customerIdentifier: null,
        managedByThirdPartySystem: true,
        status: 'awaiting-first-message',
        endedBy: null,
        createdAt: now,
        updatedAt: now,
      });
      const messages = i === STORED ? STORED : 1;
      for (let m = 1; m <= messages; m++) {
        applyMessage(s, id, {
          id: `msg_fill${i}_${m}`,
          conversationId: id,
          sender: m % 2 === 1 ? 'third-party' : 'customer',
          text: `filler ${i}.${m}`,
          sentAt: now,
          delivered: true,
        });
      }
    }
  });
  return { sim, ctx, receiverUp };
}

/** Runs `run` under the scan guard and answers what it scanned. */
async function scansOf(run: () => Promise<unknown>): Promise<string[]> {
  return (await guardScans(THRESHOLD, run)).scans;
}

/** Sends one request under the guard; expects `status` and no scan; answers the body. */
async function expectNoScan(f: Filled, method: string, path: string, body?: unknown, status = 200) {
  let answer: { status: number; json: unknown } = { status: 0, json: null };
  const scans = await scansOf(async () => {
    const res = path.startsWith('/__admin')
      ? await f.sim.app.request(path, {
          method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
      : undefined;
    answer = res ? { status: res.status, json: await res.json() } : await call(f.sim, method, path, body);
    await f.sim.control.idle();
  });
  expect(answer.status, `${method} ${path}`).toBe(status);
  expect(scans, `${method} ${path}`).toEqual([]);
  return answer.json;
}

test('with 1,500 conversations and messages stored, no route reads a whole collection', async () => {
  const f = await createFilledSim();
  const started = (await expectNoScan(
    f,
    'POST',
    BASE,
    { conversationHubChannelResource: 'hub-default', customerDestination: 'session-new' },
    201,
  )) as { id: string };
  await expectNoScan(f, 'POST', `${BASE}/${started.id}/messages`, { text: 'hello' }, 201);
  await expectNoScan(f, 'GET', `${BASE}/${started.id}`);
  await expectNoScan(f, 'POST', `${BASE}/conv_fill${STORED}/messages`, { text: 'busy' }, 201);
  await expectNoScan(f, 'POST', `${BASE}/conv_ghost/messages`, { text: 'x' }, 404);
  const page = (await expectNoScan(f, 'GET', `${BASE}?pageSize=50&pageToken=1400`)) as Json;
  expect(page.conversations).toHaveLength(50);
  expect(page.nextPageToken).toBe('1450');
  const byResource = (await expectNoScan(
    f,
    'GET',
    `${BASE}?conversationHubChannelResource=hub-default`,
  )) as Json;
  expect(byResource.conversations).toHaveLength(100);
  const messages = (await expectNoScan(
    f,
    'GET',
    `${BASE}/conv_fill${STORED}/messages?pageToken=1480`,
  )) as Json;
  expect(messages.messages).toHaveLength(STORED + 1 - 1480);
  expect(messages.nextPageToken).toBeNull();
  await expectNoScan(f, 'POST', `${BASE}/${started.id}/end`);
  await expectNoScan(f, 'PATCH', '/__admin/providers/airkit/resources/hub-default', { name: 'Renamed' });
  await expectNoScan(f, 'GET', `/__admin/providers/airkit/conversations/${started.id}/transcript`);
}, 60_000);

test('with 1,500 conversations and messages stored, no action or retry timer reads a whole collection', async () => {
  const f = await createFilledSim();
  const act = (conversationId: string, action: string, args: unknown) =>
    scansOf(async () => {
      await f.sim.control.act({ provider: 'airkit', conversationId, action, args });
      await f.sim.control.idle();
    });
  const busy = `conv_fill${STORED}`;
  expect(await act('conv_fill7', 'agent.say', { text: 'first' })).toEqual([]);
  expect(await act(busy, 'agent.say', { text: 'to the busy one' })).toEqual([]);
  f.receiverUp.value = false;
  expect(await act(busy, 'customer.say', { text: 'reply' })).toEqual([]);
  expect(await act(busy, 'raw.event', { type: 'custom', body: { eventId: 'e1' } })).toEqual([]);
  // The failed webhooks wait for their retries (1 s, 5 s, 30 s): the timers run under the guard.
  expect(await scansOf(() => f.sim.control.advance('40s'))).toEqual([]);
  expect(f.sim.control.deliveries({ state: 'failed' }).length).toBeGreaterThan(0);
  f.receiverUp.value = true;
  expect(await act(busy, 'customer.leave', {})).toEqual([]);
  expect(await act('conv_fill7', 'agent.complete', {})).toEqual([]);
}, 60_000);

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted, not typed.
type Json = any;
