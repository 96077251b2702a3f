import { expect, test } from 'vitest';
import { createVirtualClock } from '../../src/clock.ts';
import { createDueQueue } from '../../src/provider/due-queue.ts';

function setUp(delayMs: number, run: (item: string) => void = () => {}) {
  const clock = createVirtualClock(0);
  const ran: [string, number][] = [];
  const queue = createDueQueue<string>({
    delayMs,
    now: () => clock.now(),
    schedule: (delay, task) => clock.setTimer(delay, task),
    run: (item) => {
      ran.push([item, clock.now()]);
      run(item);
    },
  });
  return { clock, queue, ran };
}

test('a due queue runs each item its delay after it was added, in the order added, with one timer', async () => {
  const { clock, queue, ran } = setUp(2000);
  queue.add('a');
  queue.add('b');
  await clock.advance(500);
  queue.add('c');
  expect(clock.pendingTimers()).toBe(1);
  expect(queue.size()).toBe(3);
  await clock.advance(1499);
  expect(ran).toEqual([]);
  await clock.advance(1);
  expect(ran).toEqual([
    ['a', 2000],
    ['b', 2000],
  ]);
  expect(clock.pendingTimers()).toBe(1);
  await clock.advance(1000);
  expect(ran.at(-1)).toEqual(['c', 2500]);
  expect(queue.size()).toBe(0);
  expect(clock.pendingTimers()).toBe(0);
});

test('an item added while the queue runs waits for its own delay, under one timer', async () => {
  const { clock, queue, ran } = setUp(100, (item) => {
    if (item.length < 3) queue.add(`${item}+`);
  });
  queue.add('a');
  await clock.advance(1000);
  expect(ran).toEqual([
    ['a', 100],
    ['a+', 200],
    ['a++', 300],
  ]);
  expect(clock.pendingTimers()).toBe(0);
});

test('many items keep their order across the batches in which run ones are dropped', async () => {
  const { clock, queue, ran } = setUp(10);
  const added: string[] = [];
  for (let i = 0; i < 5000; i++) {
    queue.add(String(i));
    added.push(String(i));
    if (i % 7 === 0) await clock.advance(3);
  }
  await clock.advance(100);
  expect(ran.map(([item]) => item)).toEqual(added);
  expect(queue.size()).toBe(0);
});

test('clear forgets the items and cancels the timer', async () => {
  const { clock, queue, ran } = setUp(100);
  queue.add('a');
  queue.clear();
  expect(clock.pendingTimers()).toBe(0);
  await clock.advance(500);
  expect(ran).toEqual([]);
  queue.add('b');
  await clock.advance(100);
  expect(ran).toEqual([['b', 600]]);
});

test('one at a time, each due item runs in a timer of its own, so a virtual clock settles its work before the next', async () => {
  const clock = createVirtualClock(0);
  let settled = 0;
  const ran: [string, number][] = [];
  const queue = createDueQueue<string>({
    delayMs: 100,
    now: () => clock.now(),
    schedule: (delay, task) => clock.setTimer(delay, task),
    run: (item) => ran.push([item, settled]),
    oneAtATime: true,
  });
  queue.add('a');
  queue.add('b');
  queue.add('c');
  await clock.advance(100, async () => {
    settled++;
  });
  expect(ran).toEqual([
    ['a', 0],
    ['b', 1],
    ['c', 2],
  ]);
  expect(clock.now()).toBe(100);
  expect(clock.pendingTimers()).toBe(0);
});
