// One subscriber of the event stream: a bounded queue read as an async iterator.
import type { EventFilter, EventSubscription, SimEvent, SimEventType } from './events.ts';

const GLOBAL: ReadonlySet<SimEventType> = new Set(['clock', 'reset', 'dropped']);

/** True when `event` passes `filter` (events of no provider, such as clock moves and resets, always pass). */
export function isEventMatch(event: SimEvent, filter: EventFilter): boolean {
  if (GLOBAL.has(event.type)) return true;
  if (filter.provider !== undefined && event.provider !== filter.provider) return false;
  return filter.conversationId === undefined || event.conversationId === filter.conversationId;
}

/** A subscriber: the hub pushes events, the consumer iterates. */
export type Subscriber = { push(event: SimEvent): void; iterator: EventSubscription };

/**
 * A subscriber that keeps at most `queueSize` events: when the consumer falls behind, the oldest go and a
 * `dropped` event says how many.
 */
export function createSubscriber(filter: EventFilter, queueSize: number, detach: () => void): Subscriber {
  const queue: SimEvent[] = [];
  let dropped = 0;
  let lastDropped: SimEvent | null = null;
  let closed = false;
  let waiting: ((result: IteratorResult<SimEvent>) => void) | null = null;
  const take = (): SimEvent | undefined => {
    if (dropped > 0) {
      const notice: SimEvent = {
        type: 'dropped',
        id: lastDropped?.id ?? 0,
        time: lastDropped?.time ?? 0,
        level: 'warn',
        provider: null,
        conversationId: null,
        count: dropped,
      };
      dropped = 0;
      return notice;
    }
    return queue.shift();
  };
  const close = () => {
    if (closed) return;
    closed = true;
    queue.length = 0;
    detach();
    waiting?.({ done: true, value: undefined });
    waiting = null;
  };
  const iterator: EventSubscription = {
    next() {
      const event = take();
      if (event !== undefined) return Promise.resolve({ done: false, value: event });
      if (closed) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      close();
      return Promise.resolve({ done: true, value: undefined });
    },
    close,
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return {
    iterator,
    push(event) {
      if (closed || !isEventMatch(event, filter)) return;
      if (waiting !== null) {
        const resolve = waiting;
        waiting = null;
        resolve({ done: false, value: event });
        return;
      }
      queue.push(event);
      if (queue.length > queueSize) {
        lastDropped = queue.shift() ?? null;
        dropped++;
      }
    },
  };
}
