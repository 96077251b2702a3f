import { afterEach, expect, test, vi } from 'vitest';
import { DEFAULT_WAIT_MS } from '../../src/control.ts';
import type { Sender } from '../../src/dispatcher.ts';
import type { JournalEntry } from '../../src/journal.ts';
import type { Simulator } from '../../src/simulator.ts';
import { startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

const hook = 'http://127.0.0.1:9/hook';
const withWebhook = { echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: hook } };

afterEach(() => {
  vi.useRealTimers();
});

// The usual system under test: it answers the webhook at once, then calls the API on its own time.
function answerThenCall(getSim: () => Simulator, delayMs: number): Sender {
  return async (req) => {
    const { id } = JSON.parse(req.body) as { id?: string };
    if (id) setTimeout(() => void getSim().app.request(`/echo/v1/conversations/${id}`), delayMs);
    return { status: 200, body: '' };
  };
}

const say = (sim: Simulator, conversationId: string, text: string) =>
  sim.control.act({ provider: 'echo', conversationId, action: 'agent.say', args: { text } });

function fakeEntry(seq: number): JournalEntry {
  return {
    id: `req-x${seq}`,
    seq,
    time: 0,
    provider: 'echo',
    method: 'GET',
    path: '/echo/v1/slow',
    query: '',
    route: null,
    requestHeaders: {},
    requestBody: '',
    status: 200,
    responseHeaders: {},
    responseBody: '',
    fault: null,
    note: null,
  };
}

test('idle with a settle window waits for the request the system under test sends after answering the webhook', async () => {
  let sim: Simulator | undefined;
  sim = await createTestSimulator({ send: answerThenCall(() => sim!, 30), fixtures: withWebhook });
  await startEcho(sim);
  await sim.control.idle({ settleMs: 150 });
  expect(sim.control.countRequests({ method: 'GET' })).toBe(1);
});

test('idle without a settle window waits for the simulator only, not for the system under test', async () => {
  let sim: Simulator | undefined;
  sim = await createTestSimulator({ send: answerThenCall(() => sim!, 30), fixtures: withWebhook });
  await startEcho(sim);
  await sim.control.idle();
  expect(sim.control.deliveries({ state: 'delivered' })).toHaveLength(1);
  expect(sim.control.countRequests({ method: 'GET' })).toBe(0);
  await sim.control.waitForRequest({ method: 'GET' });
});

test('idle with a settle window fails after its timeout saying that requests kept arriving', async () => {
  const sim = await createTestSimulator();
  const polling = setInterval(() => void sim.app.request('/echo/v1/conversations/poll'), 10);
  try {
    await expect(sim.control.idle({ settleMs: 100, timeoutMs: 300 })).rejects.toThrow(
      // Which it says depends on where the timeout falls: between two polls, or while one is in flight.
      /Not idle for a settle window of 100 ms within 300 ms: (something kept happening \(last: (request GET \/echo\/v1\/conversations\/poll (arrived|answered)|1 inbound request in flight)|1 inbound request still in flight)/,
    );
  } finally {
    clearInterval(polling);
  }
});

test('idle with a settle window waits for an inbound request still in flight', async () => {
  const sim = await createTestSimulator();
  sim.signals.emit('request.started', { method: 'GET', path: '/echo/v1/slow', time: sim.clock.now() });
  await expect(sim.control.idle({ settleMs: 10, timeoutMs: 100 })).rejects.toThrow(
    /1 inbound request still in flight/,
  );
  const idle = sim.control.idle({ settleMs: 10, timeoutMs: 1000 });
  setTimeout(() => sim.signals.emit('request', fakeEntry(1)), 20);
  await idle;
});

test('idle refuses a settle window longer than a minute', async () => {
  const sim = await createTestSimulator();
  await expect(sim.control.idle({ settleMs: 60_001 })).rejects.toThrow(/settleMs must be 0 to 60000 ms/);
});

test('waitForRequest matches a partial body and skips requests whose body differs', async () => {
  const sim = await createTestSimulator();
  const waiting = sim.control.waitForRequest({ method: 'POST', body: { text: 'second' } });
  await startEcho(sim, 'first');
  await startEcho(sim, 'second');
  const entry = await waiting;
  expect(entry.id).toBe('req-2');
  expect(await sim.control.waitForRequest({ body: { text: 'first' } })).toMatchObject({ id: 'req-1' });
});

test('waitForRequest takes a predicate of the parsed body, or of the whole entry, in-process', async () => {
  const sim = await createTestSimulator();
  await startEcho(sim, 'hello there');
  await startEcho(sim, 'goodbye');
  const byBody = await sim.control.waitForRequest({
    body: (body: unknown) => String((body as { text?: string }).text).startsWith('good'),
  });
  expect(byBody.id).toBe('req-2');
  const byEntry = await sim.control.waitForRequest((e) => e.requestBody.includes('hello'));
  expect(byEntry.id).toBe('req-1');
});

test('a partial body matches nested objects key by key and arrays element by element', async () => {
  const sim = await createTestSimulator();
  await sim.app.request('/echo/v1/x', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ a: { b: 1, c: [1, { d: 2, e: 3 }] }, f: null }),
  });
  const find = (body: unknown) => sim.control.waitForRequest({ body }, { timeoutMs: 10 });
  await expect(find({ a: { c: [1, { d: 2 }] }, f: null })).resolves.toMatchObject({ id: 'req-1' });
  await expect(find({ a: { c: [1] } })).rejects.toThrow(/No request matching/);
  await expect(find({ a: { b: '1' } })).rejects.toThrow(/No request matching/);
  await expect(find({ missing: undefined })).resolves.toMatchObject({ id: 'req-1' });
  await expect(find({ constructor: {} })).rejects.toThrow(/No request matching/);
});

test('waitForRequest since a mark ignores the requests made before it, even at the same virtual time', async () => {
  const sim = await createTestSimulator();
  await startEcho(sim, 'same');
  const mark = sim.control.mark();
  expect(mark).toEqual({ requestSeq: 1, deliverySeq: 0, time: sim.clock.now() });
  // A time-based since matches the earlier request: the clock has not moved.
  expect((await sim.control.waitForRequest({ body: { text: 'same' } }, { since: mark.time })).id).toBe(
    'req-1',
  );
  const waiting = sim.control.waitForRequest({ body: { text: 'same' } }, { since: mark });
  await startEcho(sim, 'same');
  expect((await waiting).id).toBe('req-2');
  expect(sim.control.requests({ after: mark.requestSeq }).map((e) => e.id)).toEqual(['req-2']);
});

test('a wait that times out says what it awaited and which requests came instead', async () => {
  const sim = await createTestSimulator();
  await startEcho(sim, 'hello');
  await expect(
    sim.control.waitForRequest({ path: '**/conversations', body: { text: 'bye' } }, { timeoutMs: 20 }),
  ).rejects.toThrow(
    'No request matching {"path":"**/conversations"} with body {"text":"bye"} within 20 ms. Last requests: ' +
      'req-1 POST /echo/v1/conversations 201 body "{\\"text\\":\\"hello\\"}" (all but the body match).',
  );
});

test('waits without a timeout give up after 4 s, before the 5 s default test timeout of vitest', async () => {
  expect(DEFAULT_WAIT_MS).toBe(4000);
  const sim = await createTestSimulator();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const request = sim.control.waitForRequest({ path: '**/never' });
  const delivery = sim.control.waitForDelivery({ type: 'never' });
  const outcomes = Promise.allSettled([request, delivery]);
  vi.advanceTimersByTime(4000);
  const [r, d] = await outcomes;
  expect(r).toMatchObject({ status: 'rejected', reason: { status: 408 } });
  expect(d).toMatchObject({ status: 'rejected', reason: { status: 408 } });
});

test('idle gives up after 4 s by default', async () => {
  const sim = await createTestSimulator({ clock: 'real' });
  sim.signals.emit('request.started', { method: 'GET', path: '/slow', time: 0 });
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  const outcome = sim.control.idle({ settleMs: 10 }).catch((error: unknown) => error);
  await vi.advanceTimersByTimeAsync(4000);
  expect(await outcome).toMatchObject({ status: 408 });
});

test('waitForDelivery matches a partial body and, since a mark, only deliveries created after it', async () => {
  const send: Sender = async () => ({ status: 200, body: '' });
  const sim = await createTestSimulator({ send, fixtures: withWebhook });
  const { id } = (await (await startEcho(sim)).json()) as { id: string };
  await say(sim, id, 'one');
  await sim.control.idle();
  const mark = sim.control.mark();
  const waiting = sim.control.waitForDelivery({ type: 'agent.text', body: { text: 'one' } }, { since: mark });
  await say(sim, id, 'two');
  await say(sim, id, 'one');
  const delivery = await waiting;
  expect(delivery.id).toBe('dlv-4');
  expect(
    (await sim.control.waitForDelivery({ body: (b: unknown) => (b as { text?: string }).text === 'two' })).id,
  ).toBe('dlv-3');
  expect(sim.control.deliveries({ after: mark.deliverySeq }).map((d) => d.id)).toEqual(['dlv-3', 'dlv-4']);
});

test('a malformed mark is refused as a 400, not an internal error', async () => {
  const sim = await createTestSimulator();
  const since = { requestSeq: -1, deliverySeq: 0, time: 0 };
  await expect(sim.control.waitForRequest({}, { since })).rejects.toMatchObject({ status: 400 });
  await expect(sim.control.waitForDelivery({}, { since })).rejects.toMatchObject({ status: 400 });
});
