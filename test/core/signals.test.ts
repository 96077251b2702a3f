// The signal bus: an emission reaches the listeners there were when it began, in the order they were added, each
// once; a listener that throws does not keep the others from theirs.
import { expect, test } from 'vitest';
import { createSignalBus } from '../../src/signals.ts';

test('an emission reaches the listeners of its name in the order they were added, each once', () => {
  const bus = createSignalBus(() => {});
  const seen: string[] = [];
  const first = () => seen.push('first');
  bus.on('activity', first);
  bus.on('activity', first);
  bus.on('activity', () => seen.push('second'));
  bus.on('reset', () => seen.push('reset'));
  bus.emit('activity', undefined);
  expect(seen).toEqual(['first', 'second']);
});

test('a listener added or removed during an emission takes effect from the next one', () => {
  const bus = createSignalBus(() => {});
  const seen: string[] = [];
  let offLate: () => void = () => {};
  const offSelf = bus.on('activity', () => {
    seen.push('self');
    offSelf();
    bus.on('activity', () => seen.push('added'));
    offLate();
  });
  offLate = bus.on('activity', () => seen.push('late'));
  bus.emit('activity', undefined);
  expect(seen).toEqual(['self', 'late']);
  seen.length = 0;
  bus.emit('activity', undefined);
  expect(seen).toEqual(['added']);
});

test('a listener that throws is reported and the others still run', async () => {
  const errors: unknown[] = [];
  const bus = createSignalBus((error) => errors.push(error));
  const seen: number[] = [];
  bus.on('clock', () => {
    throw new Error('listener broke');
  });
  bus.on('clock', ({ now }) => seen.push(now));
  const next = bus.next('clock');
  bus.emit('clock', { now: 5, byMs: 5 });
  expect(seen).toEqual([5]);
  expect(errors).toEqual([new Error('listener broke')]);
  await expect(next).resolves.toEqual({ now: 5, byMs: 5 });
  bus.emit('clock', { now: 6, byMs: 1 });
  expect(seen).toEqual([5, 6]);
});
