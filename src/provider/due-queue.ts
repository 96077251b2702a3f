// Work that comes due a fixed delay after it was asked for (a simulated agent accepting a queued chat 2 s later):
// one timer for the earliest item, not one per item.

/** Items run a fixed delay after they were added, in the order added. */
export type DueQueue<T> = {
  add(item: T): void;
  /** Items not run yet. */
  size(): number;
  /** Forgets every item and cancels the timer. */
  clear(): void;
};

/** What a due queue needs: its delay, the clock, a timer (`ctx.schedule`) and what to do with an item. */
export type DueQueueOptions<T> = {
  delayMs: number;
  now(): number;
  schedule(delayMs: number, task: () => unknown): { cancel(): void };
  /** Runs one item; it must not throw (the items due after it would wait for the next timer). */
  run(item: T): void;
  /**
   * One item per timer, the next one armed again at once when it is due too: on a virtual clock, which settles the
   * work each timer started before it fires the next, what one item causes (its webhooks) then comes before the
   * next item runs, as with a timer per item. Otherwise every item due runs in one timer.
   */
  oneAtATime?: boolean;
};

/**
 * A queue of items that each run `delayMs` after they were added. The items come due in the order they were added
 * (the delay is fixed and the clock does not go back), so one timer, armed for the oldest item, serves them all:
 * when it fires, every item due by then runs, in order (or only the oldest, `oneAtATime`), and the timer is armed
 * again for the next one.
 *
 * A timer per item held a few closures, a Node timer and a tracker entry for the whole delay (about 0.9 KB): with
 * thousands of chats created per second, they were as much memory to collect as the request journal's window.
 */
export function createDueQueue<T>(options: DueQueueOptions<T>): DueQueue<T> {
  // Items and their due times side by side: a number array holds no object to collect.
  let items: (T | undefined)[] = [];
  let dueAts: number[] = [];
  let head = 0;
  let timer: { cancel(): void } | null = null;
  let running = false;

  const arm = () => {
    if (head === items.length || timer || running) return;
    timer = options.schedule(Math.max(0, dueAts[head]! - options.now()), fire);
  };
  const fire = () => {
    timer = null;
    running = true;
    try {
      const now = options.now();
      while (head < items.length && dueAts[head]! <= now) {
        const item = items[head] as T;
        items[head++] = undefined;
        options.run(item);
        if (options.oneAtATime) break;
      }
    } finally {
      running = false;
      // Run items are dropped in batches: amortized O(1) per item.
      if (head === items.length) {
        items = [];
        dueAts = [];
        head = 0;
      } else if (head > 1024 && head * 2 > items.length) {
        items = items.slice(head);
        dueAts = dueAts.slice(head);
        head = 0;
      }
      arm();
    }
  };

  return {
    add(item) {
      items.push(item);
      dueAts.push(options.now() + options.delayMs);
      arm();
    },
    size: () => items.length - head,
    clear() {
      timer?.cancel();
      timer = null;
      items = [];
      dueAts = [];
      head = 0;
    },
  };
}
