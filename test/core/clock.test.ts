import { expect, test } from 'vitest';
import { createVirtualClock, DEFAULT_VIRTUAL_START, toIso } from '../../src/clock.ts';

test('a virtual clock starts at its fixed start and moves only when advanced', async () => {
  const clock = createVirtualClock();
  expect(clock.now()).toBe(DEFAULT_VIRTUAL_START);
  await clock.advance(1500);
  expect(clock.now()).toBe(DEFAULT_VIRTUAL_START + 1500);
});

test('a virtual clock fires due timers in time order, at their own time', async () => {
  const clock = createVirtualClock(0);
  const fired: [string, number][] = [];
  clock.setTimer(300, () => fired.push(['c', clock.now()]));
  clock.setTimer(100, () => fired.push(['a', clock.now()]));
  clock.setTimer(100, () => fired.push(['b', clock.now()]));
  clock.setTimer(900, () => fired.push(['late', clock.now()]));
  await clock.advance(500);
  expect(fired).toEqual([
    ['a', 100],
    ['b', 100],
    ['c', 300],
  ]);
  expect(clock.pendingTimers()).toBe(1);
});

test('timers scheduled while advancing fire within the same advance when due', async () => {
  const clock = createVirtualClock(0);
  const fired: number[] = [];
  clock.setTimer(100, () => {
    fired.push(clock.now());
    clock.setTimer(100, () => fired.push(clock.now()));
  });
  await clock.advance(250);
  expect(fired).toEqual([100, 200]);
});

test('a cancelled virtual timer never fires', async () => {
  const clock = createVirtualClock(0);
  let fired = false;
  clock
    .setTimer(10, () => {
      fired = true;
    })
    .cancel();
  await clock.advance(100);
  expect(fired).toBe(false);
});

test('advancing by a negative or infinite amount is refused', async () => {
  const clock = createVirtualClock(0);
  await expect(clock.advance(-1)).rejects.toThrow(RangeError);
  await expect(clock.advance(Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
});

test('toIso formats as Date does, for the same time again and for each new one', () => {
  for (const time of [0, 1_796_005_730_407, 1_796_005_730_407, 1_796_005_730_408, -1, 0]) {
    expect(toIso(time)).toBe(new Date(time).toISOString());
  }
  expect(() => toIso(Number.NaN)).toThrow(RangeError);
  expect(() => toIso(8.64e15 + 1)).toThrow(RangeError);
  expect(toIso(5)).toBe('1970-01-01T00:00:00.005Z');
});
