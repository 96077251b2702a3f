import { createServer } from 'node:net';
import { afterEach, expect, expectTypeOf, test } from 'vitest';
import type { Control, ControlApi } from '../../src/control.ts';
import type { Sender } from '../../src/dispatcher.ts';
import type { SimEvent } from '../../src/events.ts';
import { ControlError, type ConvosimClient, createClient } from '../../src/index.ts';
import { defaultProviders } from '../../src/providers/registry.ts';
import type { Simulator, SimulatorOptions } from '../../src/simulator.ts';
import { createScenarioSimulator, startChat } from '../scenarios/support/simulator.ts';
import { createTestSimulator } from '../support/simulator.ts';

const hook = 'http://127.0.0.1:9/hook';
const withWebhook = { echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: hook } };
const clients: ConvosimClient[] = [];
const streams: { close(): void }[] = [];

afterEach(() => {
  for (const stream of streams.splice(0)) stream.close();
  clients.length = 0;
});

// The same assertions run against both implementations of the control API.
const subjects: [string, (sim: Simulator) => ControlApi][] = [
  ['in-process', (sim) => sim.control],
  ['over HTTP', (sim) => remember(createClient(sim.url!))],
];

function remember(client: ConvosimClient): ConvosimClient {
  clients.push(client);
  return client;
}

async function listening(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await createTestSimulator(options);
  await sim.listen(0, '127.0.0.1');
  return sim;
}

// The system under test, over real HTTP: starts an echo conversation.
async function startEcho(sim: Simulator, text = 'hi'): Promise<{ id: string }> {
  const res = await fetch(`${sim.url}/echo/v1/conversations`, {
    method: 'POST',
    headers: { authorization: 'Bearer good-token', 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  return (await res.json()) as { id: string };
}

const accept: Sender = async () => ({ status: 200, body: '' });

test('sim.control and the client both implement the one control API type', () => {
  expectTypeOf<Control>().toExtend<ControlApi>();
  expectTypeOf<ConvosimClient>().toExtend<ControlApi>();
});

for (const [name, of] of subjects) {
  test(`the journal, its counts, a mark and reset read the same (${name})`, async () => {
    const sim = await listening();
    const api = of(sim);
    await startEcho(sim, 'one');
    await startEcho(sim, 'two');
    expect(await api.countRequests({ status: 201 })).toBe(2);
    expect((await api.requests({ method: 'POST' })).map((e) => e.id)).toEqual(['req-1', 'req-2']);
    expect(await api.mark()).toEqual({ requestSeq: 2, deliverySeq: 0, time: sim.clock.now() });
    expect((await api.health()).providers.map((p) => p.name)).toEqual(['echo']);
    await api.clearRequests();
    expect(await api.countRequests()).toBe(0);
    await startEcho(sim);
    await api.reset();
    expect(await api.requests()).toEqual([]);
  });

  test(`waitForRequest matches a partial body after a mark (${name})`, async () => {
    const sim = await listening();
    const api = of(sim);
    await startEcho(sim, 'same');
    const mark = await api.mark();
    const waiting = api.waitForRequest({ method: 'POST', body: { text: 'same' } }, { since: mark });
    await startEcho(sim, 'other');
    await startEcho(sim, 'same');
    expect((await waiting).id).toBe('req-3');
  });

  test(`a wait that times out rejects with a 408 ControlError saying what came instead (${name})`, async () => {
    const sim = await listening();
    const api = of(sim);
    await startEcho(sim, 'hello');
    const error = await Promise.resolve(
      api.waitForRequest({ body: { text: 'bye' } }, { timeoutMs: 30 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlError);
    expect(error).toMatchObject({
      status: 408,
      message: expect.stringContaining('with body {"text":"bye"} within 30 ms. Last requests: req-1 POST'),
    });
  });

  test(`idle with a settle window waits for the system under test (${name})`, async () => {
    const sut: Sender = async (req) => {
      const { id } = JSON.parse(req.body) as { id: string };
      setTimeout(() => void fetch(`${sim.url}/echo/v1/conversations/${id}`), 30);
      return { status: 200, body: '' };
    };
    const sim = await listening({ send: sut, fixtures: withWebhook });
    const api = of(sim);
    await startEcho(sim);
    await api.idle({ settleMs: 150 });
    expect(await api.countRequests({ method: 'GET' })).toBe(1);
  });

  test(`actions, deliveries and waitForDelivery with a body (${name})`, async () => {
    const sim = await listening({ send: accept, fixtures: withWebhook });
    const api = of(sim);
    const { id } = await startEcho(sim);
    expect(await api.actions('echo')).toContainEqual(expect.objectContaining({ action: 'agent.say' }));
    expect(
      await api.act({ provider: 'echo', conversationId: id, action: 'agent.say', args: { text: 'yo' } }),
    ).toEqual({
      said: 'yo',
    });
    const delivery = await api.waitForDelivery({ type: 'agent.text', body: { text: 'yo' } });
    expect(delivery.conversationId).toBe(id);
    await api.idle();
    expect((await api.deliveries({ state: 'delivered' })).map((d) => d.type)).toEqual([
      'conversation.created',
      'agent.text',
    ]);
    expect((await api.conversations({ provider: 'echo' })).map((c) => c.id)).toEqual([id]);
    expect(await api.state('echo')).toMatchObject({ webhookUrl: hook });
  });

  test(`the clock and faults (${name})`, async () => {
    const sim = await listening();
    const api = of(sim);
    const start = await api.now();
    expect(await api.advance('5s')).toEqual({ now: start + 5000 });
    const fault = await api.addFault({ provider: 'echo', path: '**/conversations', status: 503, times: 1 });
    expect(await api.faults()).toEqual([fault]);
    expect((await fetch(`${sim.url}/echo/v1/conversations`, { method: 'POST' })).status).toBe(503);
    await api.addFault({ provider: 'echo', status: 500 });
    const [remaining] = await api.faults();
    await api.removeFault(remaining!.id);
    expect(await api.faults()).toEqual([]);
    await api.addFault({ provider: 'echo', status: 500 });
    await api.clearFaults();
    expect(await api.faults()).toEqual([]);
  });

  test(`mistakes reject with the same ControlError (${name})`, async () => {
    const sim = await listening();
    const api = of(sim);
    await expect(Promise.resolve().then(() => api.state('nope'))).rejects.toMatchObject({
      status: 404,
      message: 'Unknown provider "nope". Providers: echo.',
    });
    await expect(Promise.resolve().then(() => api.removeFault('fault-9'))).rejects.toMatchObject({
      status: 404,
      message: 'No fault "fault-9".',
    });
  });

  test(`provider admin operations are listed and run (${name})`, async () => {
    const sim = await listening({ providers: defaultProviders, defaultFixtures: true, fixtures: {} });
    const api = of(sim);
    const operations = await api.operations('ece');
    expect(operations).toContainEqual(
      expect.objectContaining({ provider: 'ece', operation: 'clientApplications.list', method: 'GET' }),
    );
    const listed = (await api.admin('ece', 'clientApplications.list', {})) as unknown;
    expect(listed).toEqual(await sim.control.admin('ece', 'clientApplications.list', {}));
  });

  test(`events arrive as an async iterator (${name})`, async () => {
    const sim = await listening();
    const api = of(sim);
    const subscription = api.events({ provider: 'echo' });
    streams.push(subscription);
    if ('opened' in subscription) await subscription.opened;
    await startEcho(sim);
    const seen: SimEvent[] = [];
    for await (const event of subscription) {
      seen.push(event);
      if (event.type === 'request') break;
    }
    expect(seen.at(-1)).toMatchObject({
      type: 'request',
      method: 'POST',
      path: '/echo/v1/conversations',
      status: 201,
    });
  });
}

test('the client sends the admin token, and without it fails with the admin explanation', async () => {
  const sim = await listening({ adminToken: 'sesame' });
  expect((await createClient(sim.url!, { token: 'sesame' }).health()).status).toBe('ok');
  await expect(createClient(sim.url!).health()).rejects.toMatchObject({
    status: 401,
    message: expect.stringContaining('The admin API needs its token'),
  });
  const events = createClient(`${sim.url}/__admin/`, { token: 'sesame' }).events();
  streams.push(events);
  await events.opened;
});

test('the client says when the simulator cannot be reached', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await expect(createClient(`http://127.0.0.1:${port}`).health()).rejects.toThrow(
    `convosim at http://127.0.0.1:${port} cannot be reached (ECONNREFUSED). Please check that it is running`,
  );
});

test('the client refuses a body predicate, which cannot cross HTTP', async () => {
  const sim = await listening();
  const client = createClient(sim.url!);
  await expect(client.waitForRequest({ body: { text: (() => true) as unknown as string } })).rejects.toThrow(
    /a predicate cannot be sent over HTTP/,
  );
});

test('the client runs a scenario and waits for its report', async () => {
  const { sim } = await createScenarioSimulator();
  await sim.listen(0, '127.0.0.1');
  const client = createClient(sim.url!);
  const queued = await client.scenarios.run('name: t\nprovider: chat\nsteps:\n  - agent.join:\n', {
    file: 't.yaml',
  });
  expect(queued.status).toBe('waiting');
  await startChat(sim);
  const report = await client.scenarios.finished(queued.id);
  expect(report).toMatchObject({ id: queued.id, status: 'passed', file: 't.yaml' });
  expect((await client.scenarios.runs()).map((r) => r.id)).toEqual([queued.id]);
  const transcript = await client.scenarios.transcript('chat', report.conversationId!);
  expect(transcript.entries.length).toBeGreaterThan(0);
  const armed = await client.scenarios.arm('name: a\nprovider: chat\nsteps:\n  - agent.join:\n');
  await client.scenarios.disarm(armed.id);
  await expect(client.scenarios.get('run-99')).rejects.toMatchObject({ status: 404 });
});
