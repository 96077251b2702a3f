import request from 'supertest';
import { expect, test } from 'vitest';
import { startReceiver } from '../support/receiver.ts';
import { startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

test('two simulators in one process share nothing', async () => {
  const a = await createTestSimulator();
  const b = await createTestSimulator();
  const created = (await (await startEcho(a)).json()) as { id: string };
  expect(a.control.conversations()).toHaveLength(1);
  expect(b.control.conversations()).toHaveLength(0);
  expect(b.control.requests()).toHaveLength(0);
  expect((await b.app.request(`/echo/v1/conversations/${created.id}`)).status).toBe(404);
  await a.control.advance('1h');
  expect(b.control.now()).not.toBe(a.control.now());
  a.control.addFault({ provider: 'echo', status: 503 });
  expect(b.control.faults()).toEqual([]);
});

test('the same seed gives byte-identical responses and webhook bodies', async () => {
  const run = async () => {
    const receiver = await startReceiver();
    const sim = await createTestSimulator({
      fixtures: { echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: receiver.url } },
    });
    const bodies = [];
    for (const text of ['one', 'two', 'three']) bodies.push(await (await startEcho(sim, text)).text());
    await sim.control.idle();
    const events = sim.control.deliveries().map((d) => [d.eventId, d.body]);
    await receiver.close();
    return { bodies, events, received: receiver.requests.map((r) => r.body) };
  };
  const first = await run();
  const second = await run();
  expect(second).toEqual(first);
  expect(first.received).toHaveLength(3);
});

test('a different seed gives different generated ids', async () => {
  const a = await createTestSimulator({ seed: 1 });
  const b = await createTestSimulator({ seed: 2 });
  expect(await (await startEcho(a)).text()).not.toBe(await (await startEcho(b)).text());
});

test('listen(0) serves on a free loopback port and close() stops it', async () => {
  const sim = await createTestSimulator();
  const { url, port } = await sim.listen(0);
  expect(url).toBe(`http://127.0.0.1:${port}`);
  const res = await request(url).get('/__admin/health');
  expect(res.status).toBe(200);
  expect(res.body.providers.map((p: { name: string }) => p.name)).toEqual(['echo']);
  await sim.close();
  await expect(fetch(`${url}/__admin/health`)).rejects.toThrow();
});

test('listening twice on one simulator is refused', async () => {
  const sim = await createTestSimulator();
  await sim.listen(0);
  await expect(sim.listen(0)).rejects.toThrow(/already listening/);
});

test('a taken port rejects listen with EADDRINUSE', async () => {
  const a = await createTestSimulator();
  const b = await createTestSimulator();
  const { port } = await a.listen(0);
  await expect(b.listen(port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
});

test('provider options are validated by the provider schema', async () => {
  await expect(createTestSimulator({ providerOptions: { echo: { greeting: 42 } } })).rejects.toThrow(
    /Invalid option echo\.greeting/,
  );
  const sim = await createTestSimulator({ providerOptions: { echo: { greeting: 'howdy' } } });
  expect(((await (await startEcho(sim)).json()) as { messages: string[] }).messages[1]).toMatch(/^howdy, /);
});

test('two providers with the same name are refused', async () => {
  const { echoProvider } = await import('../support/echo-provider.ts');
  await expect(createTestSimulator({ providers: [echoProvider, echoProvider] })).rejects.toThrow(
    /unique name/,
  );
});

test('an internal error answers 500 in the provider envelope without a stack trace, and is recorded', async () => {
  const sim = await createTestSimulator();
  const res = await startEcho(sim, 'boom');
  expect(res.status).toBe(500);
  expect(await res.json()).toEqual({ fault: { status: 500, message: 'Internal server error' } });
  expect(sim.internalErrors.map((e) => e.message)).toEqual(['boom requested']);
  expect(sim.control.requests({ status: 500 })[0]?.note).toMatch(/internal error: boom requested/);
  expect((await startEcho(sim, 'fine')).status).toBe(201);
});
