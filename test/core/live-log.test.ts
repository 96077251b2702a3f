import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { DEFAULT_VIRTUAL_START } from '../../src/clock.ts';
import type { SimEvent } from '../../src/events.ts';
import { createLiveLog, type LiveLogOptions } from '../../src/live-log.ts';
import type { Simulator } from '../../src/simulator.ts';
import { createScenarioSimulator, startChat } from '../scenarios/support/simulator.ts';
import { createRecordingSender } from '../support/recording-sender.ts';
import { createTestSimulator } from '../support/simulator.ts';

const AUTH = { authorization: 'Bearer good-token', 'content-type': 'application/json' };

function capture(sim: Simulator, options: LiveLogOptions = {}) {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  createLiveLog(sim, { format: 'json', stream, ...options });
  return {
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const start = (sim: Simulator, text = 'hi', headers: Record<string, string> = AUTH) =>
  sim.app.request('/echo/v1/conversations', {
    method: 'POST',
    headers,
    body: JSON.stringify({ text }),
  });

test('a provider request logs one info line with time, provider, method, path, status, duration and conversation', async () => {
  const sim = await createTestSimulator();
  const log = capture(sim);
  const res = await start(sim);
  const { id } = (await res.json()) as { id: string };
  await sim.app.request(`/echo/v1/conversations/${id}`, { headers: AUTH });
  const [created, read] = log.lines().filter((l) => l.type === 'request');
  expect(created).toMatchObject({
    level: 'info',
    time: DEFAULT_VIRTUAL_START,
    provider: 'echo',
    method: 'POST',
    path: '/echo/v1/conversations',
    status: 201,
    durationMs: 0,
    conversationId: id,
    msg: `echo POST /echo/v1/conversations → 201 0 ms · conversation ${id}`,
  });
  expect(read).toMatchObject({ status: 200, conversationId: id, path: `/echo/v1/conversations/${id}` });
});

test('a failed webhook attempt logs a warn line with type, url, status, attempt n of m and latency', async () => {
  const sender = createRecordingSender();
  sender.respondWith(500);
  const sim = await createTestSimulator({
    send: sender.send,
    fixtures: {
      echo: { tokens: [{ id: 'good-token', tenant: 't1' }], webhookUrl: 'http://hooks.test/in' },
    },
  });
  const log = capture(sim);
  await start(sim);
  await sim.control.waitForDelivery({ type: 'conversation.created' });
  const attempt = log.lines().find((l) => l.type === 'delivery.attempt');
  expect(attempt).toMatchObject({
    level: 'warn',
    provider: 'echo',
    eventType: 'conversation.created',
    url: 'http://hooks.test/in',
    status: 500,
    ok: false,
    attempt: 1,
    maxAttempts: 3,
  });
  expect(attempt?.latencyMs).toEqual(expect.any(Number));
  expect(attempt?.msg).toMatch(
    /^webhook echo conversation\.created → http:\/\/hooks\.test\/in 500 attempt 1 of 3 \([\d.]+ ms\) · conversation \w+$/,
  );
});

test('an agent action logs an info line naming the action and the conversation', async () => {
  const sim = await createTestSimulator();
  const log = capture(sim);
  const { id } = (await (await start(sim)).json()) as { id: string };
  await sim.control.act({ provider: 'echo', conversationId: id, action: 'agent.say', args: { text: 'yo' } });
  expect(log.lines().find((l) => l.type === 'action')).toMatchObject({
    level: 'info',
    provider: 'echo',
    conversationId: id,
    action: 'agent.say',
    msg: `echo action agent.say · conversation ${id}`,
  });
});

test('an injected fault logs a warn line, and the refused request a warn line with the fault id', async () => {
  const sim = await createTestSimulator();
  const log = capture(sim);
  const fault = sim.control.addFault({ provider: 'echo', status: 503 });
  await start(sim);
  const lines = log.lines();
  expect(lines.find((l) => l.type === 'fault')).toMatchObject({
    level: 'warn',
    faultId: fault.id,
    provider: 'echo',
    method: 'POST',
    path: '/echo/v1/conversations',
    msg: `fault ${fault.id} applied to echo POST /echo/v1/conversations`,
  });
  expect(lines.find((l) => l.type === 'request')).toMatchObject({
    level: 'warn',
    status: 503,
    fault: fault.id,
  });
});

test('debug lines add the bodies and mask a Bearer token and a Basic credential', async () => {
  const sender = createRecordingSender();
  const sim = await createTestSimulator({
    send: sender.send,
    fixtures: {
      echo: {
        tokens: [{ id: 'good-token', tenant: 't1' }],
        webhookUrl: 'http://hookuser:hookpass@hooks.test/in',
      },
    },
  });
  const log = capture(sim, { level: 'debug' });
  await start(sim, 'send Basic dXNlcjpwYXNz please');
  await sim.control.waitForDelivery({ type: 'conversation.created' });
  const text = log.text();
  expect(text).not.toContain('good-token');
  expect(text).not.toContain('dXNlcjpwYXNz');
  expect(text).not.toContain('hookpass');
  const request = log.lines().find((l) => l.type === 'request');
  expect(request?.requestHeaders).toMatchObject({ authorization: 'Bearer [redacted]' });
  expect(request?.requestBody).toBe('{"text":"send Basic [redacted] please"}');
  expect(request?.responseBody).toContain('"status":"open"');
  const attempt = log.lines().find((l) => l.type === 'delivery.attempt');
  expect(attempt?.url).toBe('http://[redacted]@hooks.test/in');
  expect(attempt?.body).toContain('"status":"open"');
});

test('info lines carry no bodies', async () => {
  const sim = await createTestSimulator();
  const log = capture(sim);
  await start(sim);
  const request = log.lines().find((l) => l.type === 'request');
  expect(request).toBeDefined();
  expect(request).not.toHaveProperty('requestBody');
  expect(request).not.toHaveProperty('requestHeaders');
});

test('at warn level only failures are logged: a 4xx or 5xx answer, a failed attempt, a fault', async () => {
  const sim = await createTestSimulator();
  const log = capture(sim, { level: 'warn' });
  await start(sim);
  await start(sim, 'hi', { 'content-type': 'application/json' });
  const lines = log.lines();
  expect(lines.map((l) => [l.level, l.type, l.status])).toEqual([['warn', 'request', 401]]);
});

test('the json format writes one parseable object a line', async () => {
  const sim = await createTestSimulator();
  const log = capture(sim);
  const { id } = (await (await start(sim)).json()) as { id: string };
  await sim.control.act({ provider: 'echo', conversationId: id, action: 'agent.complete' });
  await sim.control.advance('5s');
  const raw = log.text().trimEnd().split('\n');
  expect(raw.length).toBeGreaterThanOrEqual(4);
  const parsed = raw.map((line) => JSON.parse(line) as { type: string; id: number; msg: string });
  expect(parsed.map((l) => l.type)).toEqual(['conversation', 'request', 'conversation', 'action', 'clock']);
  expect(parsed.map((l) => l.id)).toEqual([...parsed.map((l) => l.id)].sort((a, b) => a - b));
  expect(parsed.at(-1)?.msg).toBe(
    `clock advanced by 5000 ms to ${new Date(DEFAULT_VIRTUAL_START + 5000).toISOString()}`,
  );
});

test('the pretty format writes one human line an event with its level and message', async () => {
  const sim = await createTestSimulator();
  const log = capture(sim, { format: 'pretty', colorize: false });
  await start(sim, 'hi', { 'content-type': 'application/json' });
  expect(log.text()).toMatch(
    /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: echo POST \/echo\/v1\/conversations → 401 0 ms\n$/,
  );
});

test('a request path with control characters is quoted in the message, so it cannot forge a line', async () => {
  const sim = await createTestSimulator();
  const log = capture(sim, { format: 'pretty', colorize: false });
  await sim.app.request('/echo/v1/conversations/a%0Ab%20c', { headers: AUTH });
  expect(log.text().trimEnd().split('\n')).toHaveLength(1);
});

test('a scenario step logs an info line and streams a scenario.step event with its run, index, verb and status', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const log = capture(sim);
  const events = sim.control.events();
  const run = scenarios.run(
    scenarios.load('name: greet\nprovider: chat\nsteps:\n  - agent.join:\n', { file: 'greet.yaml' }),
  );
  const id = await startChat(sim, { customer: 'Ada' });
  const report = await scenarios.drive(run);
  expect(report.status).toBe('passed');
  const line = log.lines().find((l) => l.type === 'scenario.step');
  expect(line).toMatchObject({
    level: 'info',
    provider: 'chat',
    conversationId: id,
    runId: run.id,
    scenario: 'greet',
    index: 0,
    verb: 'agent.join',
    status: 'passed',
    msg: expect.stringMatching(/^scenario greet step 1 agent\.join .*: passed · conversation /),
  });
  let streamed: SimEvent | undefined;
  for await (const event of events) {
    if (event.type === 'scenario.step') {
      streamed = event;
      break;
    }
  }
  expect(streamed).toMatchObject({ id: line!.id, runId: run.id, verb: 'agent.join', status: 'passed' });
});

test('a JSON log line is the streamed event with the same fields plus msg (one schema, docs/events.md)', async () => {
  const sim = await createTestSimulator();
  const log = capture(sim);
  const events = sim.control.events();
  await start(sim);
  const streamed = [(await events.next()).value, (await events.next()).value];
  events.close();
  const lines = log.lines();
  expect(lines).toHaveLength(2);
  for (const [index, line] of lines.entries()) {
    const { msg, ...fields } = line;
    expect(typeof msg).toBe('string');
    expect(fields).toEqual(streamed[index]);
  }
});
