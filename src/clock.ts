/** A timer handle returned by `Clock.setTimer`. */
export type TimerHandle = { cancel(): void };

/** The simulator's only source of time: real (wall clock) or virtual (advanced on demand). */
export type Clock = {
  readonly kind: 'real' | 'virtual';
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
  /** Runs `task` once `delayMs` have passed on this clock. */
  setTimer(delayMs: number, task: () => unknown): TimerHandle;
  /** Number of timers that have not fired or been cancelled yet. */
  pendingTimers(): number;
};

/** A virtual clock: time moves only when `advance` is called. */
export type VirtualClock = Clock & {
  readonly kind: 'virtual';
  /**
   * Moves time forward by `ms`, firing due timers in time order and awaiting each one;
   * `settle` is awaited after each timer (the simulator waits there for the work the timer started).
   * Calls are serialized: one made while another runs starts where that one ends (so 10 s and 3 s make 13 s);
   * a timer task must therefore never await `advance` itself. Refused (RangeError) past `MAX_TIME`.
   */
  advance(ms: number, settle?: () => Promise<void>): Promise<void>;
};

/** The default start of virtual time: fixed so that runs are reproducible. */
export const DEFAULT_VIRTUAL_START = Date.parse('2025-01-01T00:00:00.000Z');

/** The last instant a JavaScript Date can represent (epoch ms); virtual time never moves past it. */
export const MAX_TIME = 8.64e15;

// Node fires a setTimeout longer than this (about 24.8 days) at once, so longer real timers are re-armed in steps.
const MAX_NODE_DELAY = 2 ** 31 - 1;

/** True when `time` (epoch ms) is a date JavaScript can represent. */
export function isValidTime(time: number): boolean {
  return Number.isFinite(time) && Math.abs(time) <= MAX_TIME;
}

/** The ISO form of an epoch time, or its number as text when no Date can hold it (never throws). */
export function toIsoTime(time: number): string {
  return isValidTime(time) ? toIso(time) : String(time);
}

// The last time formatted and its text: the answers and events of one turn of the event loop mostly show the same
// millisecond, and formatting it cost about 1% of a Chat Gateway create's CPU.
let lastIsoTime = Number.NaN;
let lastIso = '';

/** `new Date(time).toISOString()` (throws the same RangeError for a time no Date can hold), the last one kept. */
export function toIso(time: number): string {
  if (time !== lastIsoTime) {
    lastIso = new Date(time).toISOString();
    lastIsoTime = time;
  }
  return lastIso;
}

/** Creates a clock backed by the wall clock and Node timers. */
export function createRealClock(): Clock {
  // Counted, not kept in a collection: nothing walks the pending timers (one is armed per create on some routes).
  let pending = 0;
  return {
    kind: 'real',
    now: () => Date.now(),
    setTimer(delayMs, task) {
      let handle: NodeJS.Timeout | undefined;
      let done = false;
      const finish = () => {
        if (done) return false;
        done = true;
        pending--;
        return true;
      };
      const arm = (remaining: number) => {
        const step = Math.min(remaining, MAX_NODE_DELAY);
        handle = setTimeout(() => {
          if (remaining > step) return arm(remaining - step);
          if (finish()) void task();
        }, step);
        handle.unref();
      };
      pending++;
      arm(Number.isNaN(delayMs) ? 0 : Math.max(0, delayMs));
      return {
        cancel: () => {
          clearTimeout(handle);
          finish();
        },
      };
    },
    pendingTimers: () => pending,
  };
}

type VirtualTimer = { at: number; seq: number; task: () => unknown; done: boolean };

const isBefore = (a: VirtualTimer, b: VirtualTimer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** A binary heap of timers by (time, creation order): cancelled ones are dropped lazily, when they surface. */
function createTimerHeap() {
  let heap: VirtualTimer[] = [];
  let live = 0;
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const up = (start: number) => {
    for (let i = start; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!isBefore(heap[i]!, heap[parent]!)) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (start: number) => {
    for (let i = start; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < heap.length && isBefore(heap[left]!, heap[first]!)) first = left;
      if (right < heap.length && isBefore(heap[right]!, heap[first]!)) first = right;
      if (first === i) return;
      swap(i, first);
      i = first;
    }
  };
  const pop = () => {
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      down(0);
    }
  };
  return {
    size: () => live,
    push(timer: VirtualTimer) {
      heap.push(timer);
      up(heap.length - 1);
      live++;
    },
    /** Marks a timer done (fired or cancelled); it leaves the heap when it surfaces or at the next compaction. */
    finish(timer: VirtualTimer) {
      if (timer.done) return;
      timer.done = true;
      live--;
      if (heap.length > 64 && heap.length > 4 * live) {
        heap = heap.filter((t) => !t.done);
        for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
      }
    },
    /** The earliest pending timer due at or before `limit`. */
    nextDue(limit: number): VirtualTimer | undefined {
      while (heap.length > 0 && heap[0]!.done) pop();
      const first = heap[0];
      return first && first.at <= limit ? first : undefined;
    },
  };
}

/** Creates a virtual clock starting at `start` (epoch ms). */
export function createVirtualClock(start: number = DEFAULT_VIRTUAL_START): VirtualClock {
  if (!isValidTime(start)) {
    throw new RangeError(
      `A virtual clock cannot start at ${start}: it is not a date (epoch ms within ±${MAX_TIME}).`,
    );
  }
  let current = start;
  let seq = 0;
  const timers = createTimerHeap();
  // Advances run one after another: each moves time on from where the previous one left it.
  let advancing: Promise<void> = Promise.resolve();

  const advanceNow = async (ms: number, settle: (() => Promise<void>) | undefined) => {
    const target = current + ms;
    if (!isValidTime(target)) {
      throw new RangeError(
        `Advancing by ${ms} ms would move the clock past the last representable date (${MAX_TIME} ms).`,
      );
    }
    for (let timer = timers.nextDue(target); timer; timer = timers.nextDue(target)) {
      timers.finish(timer);
      current = Math.max(current, timer.at);
      await timer.task();
      await settle?.();
    }
    current = target;
  };

  return {
    kind: 'virtual',
    now: () => current,
    setTimer(delayMs, task) {
      const delay = Number.isNaN(delayMs) ? 0 : Math.max(0, delayMs);
      const timer: VirtualTimer = { at: current + delay, seq: seq++, task, done: false };
      timers.push(timer);
      return { cancel: () => timers.finish(timer) };
    },
    pendingTimers: () => timers.size(),
    advance(ms, settle) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        return Promise.reject(new RangeError(`advance needs a finite, non-negative ms, got ${ms}`));
      }
      const run = advancing.then(() => advanceNow(ms, settle));
      advancing = run.catch(() => {});
      return run;
    },
  };
}
