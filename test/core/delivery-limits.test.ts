// Per-destination limits of the dispatcher (issue 9 item 4): bounded queues, concurrency, one retry timer per
// destination, slow receivers reported, order kept per conversation, and deliveries resumed after a restart.
import { expect, test } from 'vitest';
import type { Delivery, DeliveryAttempt } from '../../src/provider/contract.ts';
import {
  createDispatchHarness,
  findClosedUrl,
  startHangingReceiver,
  startHeldReceiver,
  startStatusReceiver,
} from '../support/hostile-receivers.ts';
import { startReceiver } from '../support/receiver.ts';

const numberOf = (body: unknown) => (body as { n: number }).n;

test('deliveries of one conversation arrive in order while earlier ones are retried, conversations in parallel', async () => {
  const seen = new Set<number>();
  // Every event fails its first attempt: each conversation waits for its retry before the next event.
  const receiver = await startReceiver({
    respond: (request) => {
      const n = numberOf(request.json);
      if (seen.has(n)) return 200;
      seen.add(n);
      return 500;
    },
  });
  const h = createDispatchHarness({ limits: { concurrency: 2 } });
  const sent: Record<string, number[]> = { a: [], b: [], c: [] };
  for (let round = 0; round < 4; round++) {
    for (const conversation of ['a', 'b', 'c'])
      sent[conversation]!.push(numberOf(JSON.parse(h.emit(receiver.url, conversation).body)));
  }
  await h.advance(20_000);
  expect(h.log.every((d) => d.state === 'delivered')).toBe(true);
  for (const conversation of ['a', 'b', 'c']) {
    const received = receiver.requests
      .map((r) => r.json as { conversationId: string; n: number })
      .filter((body) => body.conversationId === conversation)
      .map((body) => body.n);
    expect(received).toEqual(sent[conversation]!.flatMap((n) => [n, n]));
  }
  await receiver.close();
});

test('a destination never has more attempts in flight than its concurrency limit', async () => {
  const receiver = await startHeldReceiver();
  const h = createDispatchHarness({ limits: { concurrency: 3 } });
  for (let i = 0; i < 10; i++) h.emit(receiver.url, `c${i}`);
  await receiver.waitForHits(3);
  expect(h.dispatcher.stats()[0]).toMatchObject({ inFlight: 3, queued: 7 });
  for (const hits of [6, 9, 10]) {
    receiver.release();
    await receiver.waitForHits(hits);
  }
  receiver.release();
  await h.idle();
  expect(receiver.mostHeld).toBe(3);
  expect(h.log.map((d) => d.state)).toEqual(Array(10).fill('delivered'));
  expect(h.dispatcher.stats()[0]).toMatchObject({ inFlight: 0, queued: 0, delivered: 10 });
});

test('a full destination drops new deliveries with a note, a settled signal and a count in stats', async () => {
  const receiver = await startHeldReceiver();
  const h = createDispatchHarness({ limits: { concurrency: 1, maxQueued: 5 } });
  const settled: Delivery[] = [];
  h.signals.on('delivery.settled', (delivery) => settled.push(delivery));
  const deliveries = Array.from({ length: 8 }, (_, i) => h.emit(receiver.url, `c${i}`));
  expect(deliveries.map((d) => d.state)).toEqual([
    ...['in-flight', 'queued', 'queued', 'queued', 'queued'],
    ...['dropped', 'dropped', 'dropped'],
  ]);
  expect(settled.map((d) => d.id)).toEqual(deliveries.slice(5).map((d) => d.id));
  const origin = new URL(receiver.url).origin;
  for (const dropped of settled) {
    expect(dropped.attempts).toEqual([]);
    expect(dropped.note).toBe(
      `dropped: 5 deliveries were already held for ${origin} (limit maxQueued 5); the receiver is down or slower than events arrive`,
    );
  }
  expect(h.log).toHaveLength(8);
  expect(h.dispatcher.stats()[0]).toMatchObject({ queued: 4, inFlight: 1, dropped: 3 });
  expect(h.messages.filter((m) => m.includes('overflows'))).toEqual([
    `warn webhook destination "${origin}" overflows, deliveries are dropped: ${settled[0]!.note}`,
  ]);
  for (let hits = 1; hits <= 5; hits++) {
    await receiver.waitForHits(hits);
    receiver.release();
  }
  await h.idle();
  expect(deliveries.map((d) => d.state)).toEqual([
    ...Array(5).fill('delivered'),
    ...Array(3).fill('dropped'),
  ]);
});

test('retry timers stay one per destination however many conversations are retrying', async () => {
  const url = await findClosedUrl();
  const h = createDispatchHarness();
  for (let i = 0; i < 200; i++) h.emit(url, `c${i}`);
  await h.idle();
  expect(h.log.every((d) => d.state === 'retrying')).toBe(true);
  expect(h.clock.pendingTimers()).toBe(1);
  expect(h.activity.counts()).toEqual({ running: 0, timers: 1 });
  await h.advance(3000);
  expect(h.log.every((d) => d.state === 'failed' && d.attempts.length === 3)).toBe(true);
  expect(h.clock.pendingTimers()).toBe(0);
});

test('a destination that is down holds at most maxQueued deliveries and one timer, whatever arrives', async () => {
  const url = await findClosedUrl();
  const h = createDispatchHarness({ limits: { maxQueued: 50, concurrency: 4 } });
  for (let i = 0; i < 1000; i++) h.emit(url, `c${i % 200}`);
  await h.idle();
  const [stats] = h.dispatcher.stats();
  expect(stats).toMatchObject({ queued: 50, inFlight: 0, dropped: 950, slow: false });
  expect(stats?.lastError).toMatch(/ECONNREFUSED/);
  expect(h.clock.pendingTimers()).toBe(1);
  await h.advance(1000);
  for (let i = 0; i < 100; i++) h.emit(url, `late${i}`);
  expect(h.dispatcher.stats()[0]).toMatchObject({ queued: 50, dropped: 1050 });
  await h.advance(2000);
  expect(h.dispatcher.stats()[0]).toMatchObject({ queued: 0, inFlight: 0, failed: 50, dropped: 1050 });
  expect(h.log.filter((d) => d.state !== 'failed' && d.state !== 'dropped')).toEqual([]);
  expect(h.clock.pendingTimers()).toBe(0);
});

test('all destinations together hold at most maxQueuedTotal deliveries', async () => {
  const h = createDispatchHarness({
    limits: { maxQueuedTotal: 3 },
    send: () => new Promise(() => {}),
  });
  const states = ['a', 'b', 'c', 'd'].map((host) => h.emit(`http://${host}.test/hook`, 'c1').state);
  expect(states).toEqual(['in-flight', 'in-flight', 'in-flight', 'dropped']);
  expect(h.log[3]?.note).toBe(
    'dropped: 3 deliveries were already held for all destinations (limit maxQueuedTotal 3)',
  );
  h.dispatcher.clear();
});

test('a destination that is down does not hold back deliveries to another', async () => {
  const hanging = await startHangingReceiver();
  const healthy = await startStatusReceiver(204);
  const h = createDispatchHarness({ limits: { concurrency: 2 }, policy: { timeoutMs: 2000 } });
  for (let i = 0; i < 5; i++) h.emit(hanging.url, `c${i}`);
  const settled = h.signals.next('delivery.settled');
  const quick = h.emit(healthy.url, 'c0');
  expect(await settled).toBe(quick);
  expect(quick.state).toBe('delivered');
  const busy = h.dispatcher.stats().find((s) => s.destination === new URL(hanging.url).origin);
  expect(busy).toMatchObject({ inFlight: 2, queued: 3 });
});

test('a destination whose attempts take longer than the threshold is reported slow with its mean latency', async () => {
  const receiver = await startHangingReceiver();
  const h = createDispatchHarness({
    policy: { retryDelaysMs: [], timeoutMs: 200 },
    limits: { slowLatencyMs: 100 },
  });
  h.emit(receiver.url, 'c1');
  await h.idle();
  const [stats] = h.dispatcher.stats();
  const origin = new URL(receiver.url).origin;
  expect(stats).toMatchObject({
    destination: origin,
    slow: true,
    failed: 1,
    lastError: 'timeout after 200 ms',
  });
  expect(stats?.avgLatencyMs).toBeGreaterThanOrEqual(190);
  expect(stats?.slowReason).toMatch(/^its last attempts took \d+ ms on average \(threshold 100 ms\)$/);
  expect(h.messages).toEqual([`warn webhook destination "${origin}" is slow: ${stats?.slowReason}`]);
});

test('a destination whose queue grows past the threshold is reported slow until it drains', async () => {
  const receiver = await startHeldReceiver();
  const h = createDispatchHarness({ limits: { concurrency: 1, slowQueued: 5 } });
  for (let i = 0; i < 4; i++) h.emit(receiver.url, `c${i}`);
  expect(h.dispatcher.stats()[0]?.slow).toBe(false);
  h.emit(receiver.url, 'c4');
  expect(h.dispatcher.stats()[0]).toMatchObject({
    slow: true,
    slowReason: '5 deliveries are held for it, waiting or in flight (threshold 5)',
  });
  for (let hits = 1; hits <= 5; hits++) {
    await receiver.waitForHits(hits);
    receiver.release();
  }
  await h.idle();
  expect(h.dispatcher.stats()[0]).toMatchObject({ slow: false, slowReason: null, delivered: 5 });
  const origin = new URL(receiver.url).origin;
  expect(h.messages).toEqual([
    `warn webhook destination "${origin}" is slow: 5 deliveries are held for it, waiting or in flight (threshold 5)`,
    `info webhook destination "${origin}" is no longer slow`,
  ]);
});

test('deliveries left unsettled are resumed: sent again at once, or settled when their attempts already decided', async () => {
  const receiver = await startStatusReceiver(200);
  const attempt = (n: number, ok: boolean): DeliveryAttempt => ({
    attempt: n,
    time: 0,
    url: receiver.url,
    headers: {},
    body: '{}',
    status: ok ? 200 : 500,
    latencyMs: 1,
    error: null,
    responseBody: '',
    ok,
  });
  const stored = (id: string, state: Delivery['state'], attempts: DeliveryAttempt[]): Delivery => ({
    id,
    eventId: `evt-${id}`,
    provider: 'test',
    type: 'message',
    url: receiver.url,
    conversationId: id,
    orderKey: id,
    state,
    createdAt: 0,
    body: '{}',
    attempts,
    meta: {},
  });
  const retrying = stored('r', 'retrying', [attempt(0, false)]);
  const exhausted = stored('x', 'retrying', [attempt(0, false), attempt(1, false), attempt(2, false)]);
  const answered = stored('a', 'in-flight', [attempt(0, true)]);
  const queued = stored('q', 'queued', []);
  const h = createDispatchHarness({ unsettled: [retrying, exhausted, answered, queued] });
  h.dispatcher.resume();
  await h.idle();
  expect([retrying, exhausted, answered, queued].map((d) => [d.id, d.state, d.attempts.length])).toEqual([
    ['r', 'delivered', 2],
    ['x', 'failed', 3],
    ['a', 'delivered', 1],
    ['q', 'delivered', 1],
  ]);
  expect(receiver.hits).toBe(2);
  expect(exhausted.note).toBe("failed after 3 attempts: the provider's retry schedule is exhausted");
});

test('a signing hook that throws fails the attempt and the conversation moves on', async () => {
  const receiver = await startStatusReceiver(200);
  const h = createDispatchHarness({
    policy: {
      retryDelaysMs: [],
      sign: ({ body }) => {
        if (numberOf(JSON.parse(body)) === 1) throw new Error('no key');
        return { 'x-signed': 'yes' };
      },
    },
  });
  const first = h.emit(receiver.url, 'c1');
  const second = h.emit(receiver.url, 'c1');
  await h.idle();
  expect(first.attempts[0]).toMatchObject({ status: null, ok: false, error: 'signing failed: no key' });
  expect([first.state, second.state]).toEqual(['failed', 'delivered']);
  expect(receiver.hits).toBe(1);
});

test('a settled hook that throws is logged and the next delivery still goes', async () => {
  const receiver = await startStatusReceiver(200);
  const h = createDispatchHarness({
    policy: {
      retryDelaysMs: [],
      onSettled: () => {
        throw new Error('hook broke');
      },
    },
  });
  h.emit(receiver.url, 'c1');
  const second = h.emit(receiver.url, 'c1');
  await h.idle();
  expect(second.state).toBe('delivered');
  expect(h.messages).toEqual([
    'error test: the settled hook of delivery dlv-1 failed',
    'error test: the settled hook of delivery dlv-2 failed',
  ]);
});

test('a delivery the log fails to record ends failed with a note and its conversation moves on', async () => {
  const receiver = await startStatusReceiver(200);
  let failures = 1;
  const h = createDispatchHarness({
    changed: (delivery) => {
      if (delivery.id === 'dlv-1' && failures-- > 0) throw new Error('disk full');
    },
  });
  const first = h.emit(receiver.url, 'c1');
  const second = h.emit(receiver.url, 'c1');
  await h.idle();
  expect([first.state, second.state]).toEqual(['failed', 'delivered']);
  expect(first.note).toBe('failed: the dispatcher could not process it (disk full)');
  expect(h.messages).toEqual(['error webhook delivery dlv-1 could not be processed']);
  expect(h.dispatcher.stats()[0]).toMatchObject({ queued: 0, inFlight: 0, delivered: 1, failed: 1 });
});

test('stats keep the counters of at most maxIdleDestinations idle destinations, the most recent', async () => {
  const h = createDispatchHarness({
    limits: { maxIdleDestinations: 2 },
    send: async () => ({ status: 200, body: '' }),
  });
  for (const host of ['a', 'b', 'c', 'a']) h.emit(`http://${host}.test/hook`, 'c1');
  await h.idle();
  expect(h.dispatcher.stats().map((s) => [s.destination, s.delivered])).toEqual([
    ['http://a.test', 2],
    ['http://c.test', 1],
  ]);
});

test('invalid dispatch limits are refused with the limit named', () => {
  expect(() => createDispatchHarness({ limits: { concurrency: 0 } })).toThrow(
    'Invalid webhook dispatch limit concurrency: 0. Please use a positive integer.',
  );
});
