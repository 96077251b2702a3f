// The inspector's server side without a browser: the page and its files, the admin guard, the actions with their
// argument schemas, the per-conversation timeline, and the recorder's bounds.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { createVirtualClock } from '../../src/clock.ts';
import { createEventHub } from '../../src/events.ts';
import { createInspectorRecorder } from '../../src/inspector/recorder.ts';
import { findAssetsDir } from '../../src/inspector/routes.ts';
import { createSignalBus } from '../../src/signals.ts';
import { createRecordingSender } from '../support/recording-sender.ts';
import { createTestSimulator } from '../support/simulator.ts';

const AUTH = { authorization: 'Bearer good-token', 'content-type': 'application/json' };

test('GET /__inspector serves the page with a strict content security policy, and its modules as JavaScript', async () => {
  const sim = await createTestSimulator();
  for (const path of ['/__inspector', '/__inspector/']) {
    const res = await sim.app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<script type="module" src="/__inspector/main.js">');
  }
  const script = await sim.app.request('/__inspector/main.js');
  expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(await script.text()).toContain("from './api.js'");
});

test('only the inspector files are served: an unknown name or an encoded path answers 404', async () => {
  const sim = await createTestSimulator();
  for (const path of ['/__inspector/nope.js', '/__inspector/..%2Fpackage.json', '/__inspector/constructor']) {
    expect((await sim.app.request(path)).status, path).toBe(404);
  }
});

test('the inspector page refuses cross-site requests and, without an admin token, foreign Host names', async () => {
  const sim = await createTestSimulator();
  const crossSite = await sim.app.request('/__inspector', { headers: { 'sec-fetch-site': 'cross-site' } });
  expect(crossSite.status).toBe(403);
  const rebinding = await sim.app.request('http://evil.example/__inspector', {
    headers: { host: 'evil.example' },
  });
  expect(rebinding.status).toBe(403);
  const actions = await sim.app.request('/__admin/inspector/actions', { headers: { host: 'evil.example' } });
  expect(actions.status).toBe(403);
});

test('with an admin token the page loads without it, and its admin routes answer 401 until it is sent', async () => {
  const sim = await createTestSimulator({ adminToken: 's3cret-token' });
  expect((await sim.app.request('/__inspector')).status).toBe(200);
  expect((await sim.app.request('/__admin/inspector/actions')).status).toBe(401);
  const ok = await sim.app.request('/__admin/inspector/actions', {
    headers: { 'x-convosim-admin-token': 's3cret-token' },
  });
  expect(ok.status).toBe(200);
});

test('GET /__admin/inspector/actions lists each action with the JSON Schema of its arguments', async () => {
  const sim = await createTestSimulator();
  const res = await sim.app.request('/__admin/inspector/actions');
  const { actions } = (await res.json()) as {
    actions: { provider: string; action: string; description: string; args: Record<string, unknown> }[];
  };
  const say = actions.find((a) => a.action === 'agent.say');
  expect(say).toMatchObject({
    provider: 'echo',
    description: 'The agent says something',
    args: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  });
  expect(actions.map((a) => a.action)).toEqual(sim.control.actions().map((a) => a.action));
});

test('the timeline of a conversation holds its requests, actions and deliveries from the first inspector call on', async () => {
  const sender = createRecordingSender();
  const sim = await createTestSimulator({
    send: sender.send,
    fixtures: { echo: { tokens: [{ id: 'good-token', tenant: 't1' }], webhookUrl: 'http://hooks.test/in' } },
  });
  const start = () =>
    sim.app.request('/echo/v1/conversations', { method: 'POST', headers: AUTH, body: '{"text":"hi"}' });
  const before = ((await (await start()).json()) as { id: string }).id;
  await sim.app.request('/__admin/inspector/actions');
  const { id } = (await (await start()).json()) as { id: string };
  await sim.app.request(`/echo/v1/conversations/${id}`, { headers: AUTH });
  await sim.control.act({ provider: 'echo', conversationId: id, action: 'agent.say', args: { text: 'yo' } });
  await sim.control.idle();
  const timeline = (await (await sim.app.request(`/__admin/inspector/timeline/echo/${id}`)).json()) as {
    requests: { method: string; path: string; seq: number }[];
    actions: { action: string; args: unknown; seq: number }[];
    deliveries: { type: string; attempts: unknown[] }[];
    order: Record<string, number>;
    since: number;
  };
  expect(timeline.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'POST /echo/v1/conversations',
    `GET /echo/v1/conversations/${id}`,
  ]);
  expect(timeline.actions).toMatchObject([{ action: 'agent.say', args: { text: 'yo' } }]);
  expect(timeline.deliveries.map((d) => d.type)).toEqual(['conversation.created', 'agent.text']);
  expect(Object.keys(timeline.order)).toHaveLength(2);
  // Each request and action is placed just before the webhook it caused.
  const [created, text] = Object.values(timeline.order);
  expect(timeline.requests[0]!.seq).toBe(created! - 0.5);
  expect(timeline.actions[0]!.seq).toBe(text! - 0.5);
  expect(timeline.since).toBe(sim.control.now());
  const earlier = (await (await sim.app.request(`/__admin/inspector/timeline/echo/${before}`)).json()) as {
    requests: unknown[];
  };
  expect(earlier.requests).toEqual([]);
});

test('the inspector page loads are neither journaled, nor events, nor live log lines', async () => {
  const sim = await createTestSimulator();
  const events = sim.control.events();
  await sim.app.request('/__inspector');
  await sim.app.request('/__inspector/main.js');
  await sim.app.request('/echo/v1/conversations', { method: 'POST', headers: AUTH, body: '{"text":"hi"}' });
  const first = await events.next();
  events.close();
  expect(first.value).toMatchObject({ type: 'conversation', provider: 'echo' });
  expect(sim.control.requests().map((entry) => entry.path)).toEqual(['/echo/v1/conversations']);
});

test('the recorder keeps the most recently active conversations and the newest items of each', async () => {
  const signals = createSignalBus(() => {});
  const clock = createVirtualClock(0);
  const hub = createEventHub(signals, clock);
  const recorder = createInspectorRecorder(hub, () => clock.now(), { conversations: 2, items: 2 });
  recorder.start();
  const act = (conversationId: string, text: string) =>
    signals.emit('action', { provider: 'p', conversationId, action: 'agent.say', args: { text }, time: 0 });
  act('a', '1');
  act('b', '1');
  act('a', '2');
  act('a', '3');
  act('c', '1');
  expect(recorder.of('p', 'a').actions.map((a) => a.args)).toEqual([{ text: '2' }, { text: '3' }]);
  expect(recorder.of('p', 'b').actions).toEqual([]);
  expect(recorder.of('p', 'c').actions).toHaveLength(1);
  signals.emit('reset', undefined);
  expect(recorder.of('p', 'a').actions).toEqual([]);
  recorder.close();
});

test("the inspector's files ship in the npm package and are found from dist/ through the package's src/", async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    files: string[];
  };
  expect(pkg.files).toContain('src');
  const fromDist = findAssetsDir(new URL('../../dist/inspector/routes.js', import.meta.url).href);
  expect(fromDist).toBe(fileURLToPath(new URL('../../src/inspector/assets/', import.meta.url)));
  expect(existsSync(`${fromDist}index.html`)).toBe(true);
});

test('a webhook of a timer that fired while the clock advanced is not placed after the next action', async () => {
  const signals = createSignalBus(() => {});
  const clock = createVirtualClock(0);
  const hub = createEventHub(signals, clock);
  const recorder = createInspectorRecorder(hub, () => clock.now());
  recorder.start();
  const created = (id: string) =>
    signals.emit('delivery.created', {
      id,
      eventId: `e-${id}`,
      provider: 'p',
      type: 'joined',
      url: 'http://hooks.test/',
      conversationId: 'c1',
      orderKey: null,
      state: 'queued',
      createdAt: 0,
      body: '{}',
      attempts: [],
      meta: {},
    });
  created('dlv-1');
  signals.emit('clock', { now: 0, byMs: 1000 });
  created('dlv-2');
  signals.emit('action', { provider: 'p', conversationId: 'c1', action: 'agent.say', args: {}, time: 0 });
  const { actions, order } = recorder.of('p', 'c1');
  expect(actions[0]!.seq).toBe(order['dlv-2']! - 0.5);
  expect(actions[0]!.seq).toBeGreaterThan(order['dlv-1']!);
  recorder.close();
});

test('the timeline of an unknown provider answers 404, and of ids such as __proto__ or constructor an empty one', async () => {
  const sim = await createTestSimulator();
  const unknown = await sim.app.request('/__admin/inspector/timeline/__proto__/x');
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toEqual({ error: 'Unknown provider "__proto__". Providers: echo.' });
  for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const res = await sim.app.request(`/__admin/inspector/timeline/echo/${id}`);
    expect(res.status, id).toBe(200);
    expect(await res.json(), id).toMatchObject({ requests: [], actions: [], deliveries: [], order: {} });
  }
});
