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
   */
  advance(ms: number, settle?: () => Promise<void>): Promise<void>;
};

/** The default start of virtual time: fixed so that runs are reproducible. */
export const DEFAULT_VIRTUAL_START = Date.parse('2025-01-01T00:00:00.000Z');

/** Creates a clock backed by the wall clock and Node timers. */
export function createRealClock(): Clock {
  const timers = new Set<NodeJS.Timeout>();
  return {
    kind: 'real',
    now: () => Date.now(),
    setTimer(delayMs, task) {
      const handle = setTimeout(
        () => {
          timers.delete(handle);
          void task();
        },
        Math.max(0, delayMs),
      );
      handle.unref();
      timers.add(handle);
      return {
        cancel: () => {
          clearTimeout(handle);
          timers.delete(handle);
        },
      };
    },
    pendingTimers: () => timers.size,
  };
}

type VirtualTimer = { at: number; seq: number; task: () => unknown; cancelled: boolean };

/** Creates a virtual clock starting at `start` (epoch ms). */
export function createVirtualClock(start: number = DEFAULT_VIRTUAL_START): VirtualClock {
  let current = start;
  let seq = 0;
  const queue: VirtualTimer[] = [];

  const nextDue = (limit: number): VirtualTimer | undefined => {
    let best: VirtualTimer | undefined;
    for (const t of queue) {
      if (t.cancelled || t.at > limit) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  };

  return {
    kind: 'virtual',
    now: () => current,
    setTimer(delayMs, task) {
      const timer: VirtualTimer = { at: current + Math.max(0, delayMs), seq: seq++, task, cancelled: false };
      queue.push(timer);
      return {
        cancel: () => {
          timer.cancelled = true;
          queue.splice(queue.indexOf(timer), 1);
        },
      };
    },
    pendingTimers: () => queue.length,
    async advance(ms, settle) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`advance needs a finite, non-negative ms, got ${ms}`);
      const target = current + ms;
      for (let timer = nextDue(target); timer; timer = nextDue(target)) {
        queue.splice(queue.indexOf(timer), 1);
        current = Math.max(current, timer.at);
        await timer.task();
        await settle?.();
      }
      current = target;
    },
  };
}
