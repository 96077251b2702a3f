// Receivers that hang, trickle, reset, fail, redirect or never stop answering, on real sockets (issue 10 item 8).
// Retries run on the virtual clock; the total deadline of an attempt is real time inside the sender (200 ms here).
import { expect, test } from 'vitest';
import { createHttpSender } from '../../src/dispatcher.ts';
import type { Delivery } from '../../src/provider/contract.ts';
import {
  createDispatchHarness,
  findClosedUrl,
  startEndlessReceiver,
  startHangingReceiver,
  startRedirectingReceiver,
  startResettingReceiver,
  startStatusReceiver,
  startTricklingReceiver,
} from '../support/hostile-receivers.ts';

// 200 ms deadlines where the deadline is the point; longer ones where a loaded machine must not hit it.
const once = { policy: { retryDelaysMs: [], timeoutMs: 200 } };

test('a receiver that never answers fails the attempt at its total deadline', async () => {
  const receiver = await startHangingReceiver();
  const h = createDispatchHarness(once);
  const delivery = h.emit(receiver.url, 'c1');
  await h.idle();
  expect(delivery.state).toBe('failed');
  expect(delivery.attempts).toHaveLength(1);
  expect(delivery.attempts[0]).toMatchObject({ status: null, ok: false, error: 'timeout after 200 ms' });
  expect(delivery.attempts[0]!.latencyMs).toBeGreaterThanOrEqual(190);
  await receiver.waitForClientCloses(1);
});

test('a receiver that trickles its answer one byte at a time fails the attempt at its total deadline', async () => {
  const receiver = await startTricklingReceiver(10);
  // Long enough for the status line to arrive on a busy machine, far shorter than the trickle.
  const h = createDispatchHarness({ policy: { retryDelaysMs: [], timeoutMs: 1000 } });
  const delivery = h.emit(receiver.url, 'c1');
  await h.idle();
  expect(delivery.state).toBe('failed');
  expect(delivery.attempts[0]).toMatchObject({
    status: null,
    ok: false,
    error: 'timeout after 1000 ms (status 200 received, answer body incomplete)',
  });
  expect(delivery.attempts[0]!.latencyMs).toBeLessThan(3000);
  await receiver.waitForClientCloses(1);
});

test('a receiver that resets the connection fails the attempt with ECONNRESET', async () => {
  const receiver = await startResettingReceiver();
  const h = createDispatchHarness(once);
  const delivery = h.emit(receiver.url, 'c1');
  await h.idle();
  expect(delivery.state).toBe('failed');
  expect(delivery.attempts[0]).toMatchObject({ status: null, ok: false, responseBody: null });
  expect(delivery.attempts[0]!.error).toMatch(/^ECONNRESET: /);
  expect(h.dispatcher.stats()[0]?.lastError).toBe(delivery.attempts[0]!.error);
});

test('a receiver answering 500 gets every retry of the schedule, then the delivery settles failed with a note', async () => {
  const receiver = await startStatusReceiver(500);
  const h = createDispatchHarness();
  const delivery = h.emit(receiver.url, 'c1');
  await h.idle();
  expect(delivery.state).toBe('retrying');
  await h.advance(999);
  expect(receiver.hits).toBe(1);
  await h.advance(1);
  expect(receiver.hits).toBe(2);
  await h.advance(2000);
  expect(delivery.attempts.map((a) => [a.time - delivery.createdAt, a.status, a.ok])).toEqual([
    [0, 500, false],
    [1000, 500, false],
    [3000, 500, false],
  ]);
  expect(delivery.state).toBe('failed');
  expect(delivery.note).toBe("failed after 3 attempts: the provider's retry schedule is exhausted");
  expect(h.dispatcher.stats()[0]).toMatchObject({ failed: 1, lastError: 'HTTP 500', queued: 0, inFlight: 0 });
});

test('a 302 answer is a failed attempt with its status recorded and the redirect not followed', async () => {
  const target = await startStatusReceiver(200);
  const receiver = await startRedirectingReceiver(target.url);
  const h = createDispatchHarness(once);
  const delivery = h.emit(receiver.url, 'c1');
  await h.idle();
  expect(delivery.state).toBe('failed');
  expect(delivery.attempts[0]).toMatchObject({
    status: 302,
    ok: false,
    error: `redirect not followed (Location: "${target.url}")`,
    responseBody: 'moved',
  });
  expect(target.hits).toBe(0);
});

test('the sender stops reading an endless answer body at its cap and closes the connection', async () => {
  const receiver = await startEndlessReceiver();
  const send = createHttpSender({ maxResponseBytes: 1024 });
  try {
    const answer = await send({
      url: receiver.url,
      method: 'POST',
      headers: {},
      body: '{}',
      timeoutMs: 10_000,
    });
    expect(answer).toMatchObject({ status: 200, truncated: true });
    expect(answer.body).toBe('x'.repeat(1024));
    await receiver.waitForClientCloses(1);
  } finally {
    send.close();
  }
});

test('an endless answer body is cut at the cap and the delivery counts as delivered on its 2xx status', async () => {
  const receiver = await startEndlessReceiver();
  const h = createDispatchHarness({ policy: { retryDelaysMs: [], timeoutMs: 10_000 } });
  const delivery = h.emit(receiver.url, 'c1');
  await h.idle();
  expect(delivery.state).toBe('delivered');
  expect(delivery.attempts[0]).toMatchObject({ status: 200, ok: true, error: null });
  expect(delivery.attempts[0]!.responseBody).toBe(
    `${'x'.repeat(4096)}…(answer body cut: longer than the sender reads)`,
  );
  await receiver.waitForClientCloses(1);
});

test('every delivery to a hostile receiver ends delivered, failed or dropped once the retry schedule is exhausted', async () => {
  const receivers = await Promise.all([
    startHangingReceiver(),
    startTricklingReceiver(10),
    startResettingReceiver(),
    startStatusReceiver(500),
    startRedirectingReceiver('http://127.0.0.1:9/elsewhere'),
    startEndlessReceiver(),
  ]);
  const urls = [...receivers.map((r) => r.url), await findClosedUrl()];
  const h = createDispatchHarness({ policy: { timeoutMs: 200 }, limits: { maxQueued: 3 } });
  const settled: Delivery[] = [];
  h.signals.on('delivery.settled', (delivery) => settled.push(delivery));
  for (const url of urls) {
    for (const conversation of ['a', 'b']) {
      h.emit(url, conversation);
      h.emit(url, conversation);
    }
  }
  // Two deliveries of one conversation go one after the other: twice the schedule (1 s + 2 s) settles both.
  await h.advance(6000);
  expect(h.log).toHaveLength(28);
  expect(new Set(h.log.map((d) => d.state))).toEqual(new Set(['delivered', 'failed', 'dropped']));
  expect(settled).toHaveLength(28);
  expect(new Set(settled.map((d) => d.id)).size).toBe(28);
  const endless = receivers[5]!.url;
  for (const delivery of h.log) {
    if (delivery.state === 'dropped') expect(delivery.attempts).toEqual([]);
    // On a loaded machine the endless answer may miss the 200 ms deadline once and be retried.
    else if (delivery.url === endless) expect(delivery.state).toBe('delivered');
    else expect([delivery.state, delivery.attempts.length], delivery.url).toEqual(['failed', 3]);
  }
  expect(h.dispatcher.stats().map((s) => [s.queued, s.inFlight, s.dropped])).toEqual(
    urls.map(() => [0, 0, 1]),
  );
  expect(h.activity.counts()).toEqual({ running: 0, timers: 0 });
});
