import { expect, test } from 'vitest';
import type { SimEvent } from '../../src/events.ts';
import type { Simulator } from '../../src/simulator.ts';
import { createTestSimulator } from '../support/simulator.ts';

const AUTH = { authorization: 'Bearer good-token', 'content-type': 'application/json' };

const start = (sim: Simulator, path = '/echo/v1/conversations') =>
  sim.app.request(path, { method: 'POST', headers: AUTH, body: JSON.stringify({ text: 'hi' }) });

/** Reads SSE messages from a response until `count` have arrived, then cancels the stream. */
async function readSse(res: Response, count: number) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const messages: { id?: string; event?: string; data: SimEvent }[] = [];
  while (messages.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      messages.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data ?? 'null') });
      end = buffer.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return messages;
}

test('GET /__admin/events streams a request as an SSE event with its id, type and JSON', async () => {
  const sim = await createTestSimulator();
  const res = await sim.app.request('/__admin/events');
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  await start(sim);
  const [started, request] = await readSse(res, 2);
  expect(started).toMatchObject({ event: 'conversation', data: { change: 'started' } });
  expect(request).toMatchObject({
    id: String(request!.data.id),
    event: 'request',
    data: { type: 'request', provider: 'echo', method: 'POST', status: 201, level: 'info' },
  });
});

test('GET /__admin/events?provider= streams only that provider, and events of no provider', async () => {
  const sim = await createTestSimulator();
  const res = await sim.app.request('/__admin/events?provider=other');
  await start(sim);
  await sim.control.advance('1s');
  const [first] = await readSse(res, 1);
  expect(first?.data).toMatchObject({ type: 'clock', byMs: 1000 });
});

test('GET /__admin/events?conversationId= streams only the events of that conversation', async () => {
  const sim = await createTestSimulator();
  const { id } = (await (await start(sim)).json()) as { id: string };
  await start(sim);
  const res = await sim.app.request(`/__admin/events?conversationId=${id}`);
  await start(sim);
  await sim.control.act({ provider: 'echo', conversationId: id, action: 'agent.say', args: { text: 'x' } });
  const [first] = await readSse(res, 1);
  expect(first?.data).toMatchObject({ type: 'action', conversationId: id });
});

test('an unknown query parameter of GET /__admin/events answers 400', async () => {
  const sim = await createTestSimulator();
  expect((await sim.app.request('/__admin/events?nope=1')).status).toBe(400);
});

test('Last-Event-ID resumes the stream after the last event received', async () => {
  const sim = await createTestSimulator();
  const first = await sim.app.request('/__admin/events');
  await start(sim);
  const received = await readSse(first, 1);
  await sim.control.advance('2s');
  const resumed = await sim.app.request('/__admin/events', {
    headers: { 'last-event-id': received[0]!.id! },
  });
  const rest = await readSse(resumed, 2);
  expect(rest.map((m) => m.data.type)).toEqual(['request', 'clock']);
  expect(rest.map((m) => Number(m.id))).toEqual([Number(received[0]!.id) + 1, Number(received[0]!.id) + 2]);
});

test('control.events() is an async iterator of the same events', async () => {
  const sim = await createTestSimulator();
  const events = sim.control.events({ provider: 'echo' });
  await start(sim);
  const seen: SimEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    if (event.type === 'request') break;
  }
  expect(seen.map((e) => e.type)).toEqual(['conversation', 'request']);
  expect(seen[1]).toMatchObject({ provider: 'echo', status: 201 });
});

test('a subscriber that falls behind keeps the newest events of its bounded queue and gets a dropped notice', async () => {
  const sim = await createTestSimulator({ events: { queueSize: 3 } });
  const events = sim.control.events();
  for (let i = 0; i < 5; i++) await sim.control.advance('1s');
  const seen: SimEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    if (seen.length === 4) break;
  }
  expect(seen[0]).toMatchObject({ type: 'dropped', count: 2 });
  expect(seen.slice(1).map((e) => (e.type === 'clock' ? e.byMs : null))).toEqual([1000, 1000, 1000]);
  expect(seen.slice(1).map((e) => e.id)).toEqual([3, 4, 5]);
});

test('the resume ring keeps only the newest events', async () => {
  const sim = await createTestSimulator({ events: { ringSize: 2 } });
  sim.control.events().close();
  for (let i = 0; i < 4; i++) await sim.control.advance('1s');
  const replay = sim.control.events({}, { lastEventId: 0 });
  const first = await replay.next();
  const second = await replay.next();
  replay.close();
  expect([first.value?.id, second.value?.id]).toEqual([3, 4]);
});

test('closing the simulator ends the event iterators', async () => {
  const sim = await createTestSimulator();
  const events = sim.control.events();
  const next = events.next();
  await sim.close();
  expect(await next).toEqual({ done: true, value: undefined });
});

/** Reads an SSE response's text until `done(text)` holds, then cancels the stream. */
async function readUntil(res: Response, done: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!done(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  await reader.cancel();
  return text;
}

test('an idle event stream sends keep-alive comments at the keepAliveMs interval, and events between them', async () => {
  const sim = await createTestSimulator({ events: { keepAliveMs: 1 } });
  const res = await sim.app.request('/__admin/events');
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toBe(': keep-alive\n\n');
  await start(sim);
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('event: request')) text += decoder.decode((await reader.read()).value);
  await reader.cancel();
  expect(text).toMatch(/event: conversation\n/);
});

test('a busy event stream sends its events without keep-alive comments before the interval', async () => {
  const sim = await createTestSimulator();
  const res = await sim.app.request('/__admin/events');
  await start(sim);
  const text = await readUntil(res, (t) => t.includes('event: request'));
  expect(text).not.toContain('keep-alive');
  expect(text.startsWith('event: conversation\n')).toBe(true);
});

test('keepAliveMs 0 turns the keep-alive comments off', async () => {
  const sim = await createTestSimulator({ events: { keepAliveMs: 0 } });
  const res = await sim.app.request('/__admin/events');
  await start(sim);
  const text = await readUntil(res, (t) => t.includes('event: request'));
  expect(text).not.toContain('keep-alive');
});
