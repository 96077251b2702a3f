import { afterEach, expect, test, vi } from 'vitest';
import {
  type Clock,
  createRealClock,
  createVirtualClock,
  DEFAULT_VIRTUAL_START,
  MAX_TIME,
} from '../../src/clock.ts';
import { MAX_DURATION_MS, parseDuration } from '../../src/duration.ts';
import type { ExtensionHost } from '../../src/simulator.ts';
import { admin } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

afterEach(() => {
  vi.useRealTimers();
});

test('advancing by 1e300 answers 400 and health, the clock and reset keep answering 200', async () => {
  const sim = await createTestSimulator();
  const res = await admin(sim, 'POST', '/clock/advance', { by: 1e300 });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: string }).error).toMatch(/10 years/);
  expect((await admin(sim, 'GET', '/health')).status).toBe(200);
  expect(await (await admin(sim, 'GET', '/clock')).json()).toEqual({
    now: DEFAULT_VIRTUAL_START,
    iso: '2025-01-01T00:00:00.000Z',
  });
  expect((await admin(sim, 'POST', '/reset')).status).toBe(200);
});

test('a 400-digit duration answers 400 in the admin envelope', async () => {
  const sim = await createTestSimulator();
  const res = await admin(sim, 'POST', '/clock/advance', { by: '9'.repeat(400) });
  expect(res.status).toBe(400);
  const { error } = (await res.json()) as { error: string };
  expect(error).toMatch(/is not a duration/);
  expect(error.length).toBeLessThan(200);
  expect(sim.control.now()).toBe(DEFAULT_VIRTUAL_START);
});

test('durations longer than 10 years are refused, 10 years is accepted', async () => {
  expect(parseDuration('10y')).toBe(MAX_DURATION_MS);
  expect(() => parseDuration('11y')).toThrow(/limited to 10 years/);
  expect(() => parseDuration(MAX_DURATION_MS + 1)).toThrow(RangeError);
  expect(() => parseDuration(Number.NaN)).toThrow(RangeError);
  const sim = await createTestSimulator();
  expect((await admin(sim, 'POST', '/clock/advance', { by: '1000000000000000000000y' })).status).toBe(400);
  expect((await admin(sim, 'POST', '/clock/advance', { by: '10y' })).status).toBe(200);
});

test('a timeout query longer than 10 years answers 400', async () => {
  const sim = await createTestSimulator();
  expect((await admin(sim, 'GET', `/idle?timeout=${'9'.repeat(400)}`)).status).toBe(400);
  expect((await admin(sim, 'GET', '/requests/wait?timeout=20y')).status).toBe(400);
});

test('two concurrent advances of 10 s and 3 s move the clock by 13 s', async () => {
  const sim = await createTestSimulator();
  // A timer inside the first advance makes it yield while the second one starts.
  sim.clock.setTimer(1000, async () => {
    await new Promise((resolve) => setImmediate(resolve));
  });
  const [first, second] = await Promise.all([sim.control.advance('10s'), sim.control.advance('3s')]);
  expect(first.now).toBe(DEFAULT_VIRTUAL_START + 10_000);
  expect(second.now).toBe(DEFAULT_VIRTUAL_START + 13_000);
  expect(sim.control.now()).toBe(DEFAULT_VIRTUAL_START + 13_000);
});

test('two concurrent advances over HTTP both apply', async () => {
  const sim = await createTestSimulator();
  sim.clock.setTimer(500, async () => {
    await new Promise((resolve) => setImmediate(resolve));
  });
  const answers = await Promise.all([
    admin(sim, 'POST', '/clock/advance', { by: '10s' }),
    admin(sim, 'POST', '/clock/advance', { by: '3s' }),
  ]);
  expect(answers.map((a) => a.status)).toEqual([200, 200]);
  expect(sim.control.now()).toBe(DEFAULT_VIRTUAL_START + 13_000);
});

test('concurrent advances of a virtual clock run one after the other', async () => {
  const clock = createVirtualClock(0);
  const fired: number[] = [];
  clock.setTimer(1000, async () => {
    fired.push(clock.now());
    await new Promise((resolve) => setImmediate(resolve));
  });
  clock.setTimer(11_000, () => fired.push(clock.now()));
  await Promise.all([clock.advance(10_000), clock.advance(3000)]);
  expect(clock.now()).toBe(13_000);
  expect(fired).toEqual([1000, 11_000]);
});

test('a virtual clock refuses to move past the last date a Date can hold, and stays where it was', async () => {
  const clock = createVirtualClock(0);
  await expect(clock.advance(MAX_TIME + 1)).rejects.toThrow(/last representable date/);
  expect(clock.now()).toBe(0);
  await clock.advance(5);
  expect(clock.now()).toBe(5);
});

test('a virtual clock cannot start at a time that is not a date', () => {
  expect(() => createVirtualClock(1e300)).toThrow(RangeError);
  expect(() => createVirtualClock(Number.NaN)).toThrow(RangeError);
});

test('health and the clock answer even when a custom clock reports a time no Date can hold', async () => {
  const clock: Clock = {
    kind: 'real',
    now: () => 1e300,
    setTimer: () => ({ cancel() {} }),
    pendingTimers: () => 0,
  };
  const sim = await createTestSimulator({ clock });
  const health = await admin(sim, 'GET', '/health');
  expect(health.status).toBe(200);
  expect(((await health.json()) as { clock: { now: string } }).clock.now).toBe('1e+300');
  expect((await admin(sim, 'GET', '/clock')).status).toBe(200);
});

test('cancelling a virtual timer that already fired leaves the other timers pending', async () => {
  const clock = createVirtualClock(0);
  const fired: string[] = [];
  const early = clock.setTimer(100, () => fired.push('early'));
  clock.setTimer(500, () => fired.push('late'));
  await clock.advance(200);
  early.cancel();
  expect(clock.pendingTimers()).toBe(1);
  await clock.advance(300);
  expect(fired).toEqual(['early', 'late']);
});

test('thousands of virtual timers fire in time order, then creation order, skipping cancelled ones', async () => {
  const clock = createVirtualClock(0);
  const fired: number[] = [];
  const expected: { at: number; n: number }[] = [];
  let x = 12345;
  for (let n = 0; n < 5000; n++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const at = x % 1000;
    const handle = clock.setTimer(at, () => fired.push(n));
    if (n % 7 === 0) handle.cancel();
    else expected.push({ at, n });
  }
  expect(clock.pendingTimers()).toBe(expected.length);
  await clock.advance(1000);
  expected.sort((a, b) => a.at - b.at || a.n - b.n);
  expect(fired).toEqual(expected.map((e) => e.n));
  expect(clock.pendingTimers()).toBe(0);
});

test('a real-clock timer longer than 24.8 days waits its whole delay instead of firing at once', () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const clock = createRealClock();
  const thirtyDays = 30 * 24 * 3600 * 1000;
  let fired = false;
  clock.setTimer(thirtyDays, () => {
    fired = true;
  });
  vi.advanceTimersByTime(thirtyDays - 1);
  expect(fired).toBe(false);
  expect(clock.pendingTimers()).toBe(1);
  vi.advanceTimersByTime(1);
  expect(fired).toBe(true);
  expect(clock.pendingTimers()).toBe(0);
});

test('idle that times out answers 408 in the admin envelope and is not an internal error', async () => {
  let host: ExtensionHost | undefined;
  const sim = await createTestSimulator({
    extensions: [
      {
        name: 'busy',
        create(h) {
          host = h;
          return {};
        },
      },
    ],
  });
  let finish = () => {};
  void host!.track(() => new Promise<void>((resolve) => (finish = resolve)));
  const res = await admin(sim, 'GET', '/idle?timeout=10ms');
  expect(res.status).toBe(408);
  expect(((await res.json()) as { error: string }).error).toMatch(/still busy after 10 ms: 1 running/);
  await expect(sim.control.idle({ timeoutMs: 5 })).rejects.toMatchObject({ status: 408 });
  finish();
  expect(sim.internalErrors).toEqual([]);
});

test('advances that would leave the date range answer 400, even when each is within 10 years', async () => {
  const sim = await createTestSimulator({ startTime: MAX_TIME - 1000 });
  const res = await admin(sim, 'POST', '/clock/advance', { by: '2s' });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: string }).error).toMatch(/past the last date/);
  expect(sim.control.now()).toBe(MAX_TIME - 1000);
  expect((await admin(sim, 'GET', '/health')).status).toBe(200);
});

test('a real clock counts its pending timers: a fired or cancelled one once, however often it is cancelled', () => {
  vi.useFakeTimers();
  const clock = createRealClock();
  const fired: string[] = [];
  const soon = clock.setTimer(10, () => fired.push('soon'));
  const later = clock.setTimer(1000, () => fired.push('later'));
  clock.setTimer(500, () => fired.push('middle'));
  expect(clock.pendingTimers()).toBe(3);
  later.cancel();
  later.cancel();
  expect(clock.pendingTimers()).toBe(2);
  vi.advanceTimersByTime(10);
  expect(clock.pendingTimers()).toBe(1);
  soon.cancel();
  expect(clock.pendingTimers()).toBe(1);
  vi.advanceTimersByTime(1000);
  expect(fired).toEqual(['soon', 'middle']);
  expect(clock.pendingTimers()).toBe(0);
});
