import type { Clock } from './clock.ts';
import { BusyError } from './errors.ts';
import type { SignalBus } from './signals.ts';

/** Tracks work in progress so that `idle()` can be awaited instead of slept on. */
export type ActivityTracker = {
  /** Marks the start of some work; call the returned function when it ends. */
  begin(): () => void;
  /** Runs `task` after `delayMs` on the clock, counted as pending work until it has run. */
  schedule(delayMs: number, task: () => unknown): { cancel(): void };
  /** True when nothing runs now and, on a real clock, no timer is pending. */
  isIdle(): boolean;
  /** Work running now and timers pending. */
  counts(): { running: number; timers: number };
  /** Resolves once idle; rejects with a BusyError after `timeoutMs` of real time, saying what was still busy. */
  idle(timeoutMs?: number): Promise<void>;
};

/** Creates a tracker bound to a clock; it announces changes on the bus as `activity`. */
export function createActivityTracker(clock: Clock, signals: SignalBus): ActivityTracker {
  let running = 0;
  let timers = 0;
  const changed = () => signals.emit('activity', undefined);
  const isIdle = () => running === 0 && (clock.kind === 'virtual' || timers === 0);

  const tracker: ActivityTracker = {
    begin() {
      running++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        running--;
        changed();
      };
    },
    schedule(delayMs, task) {
      timers++;
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        timers--;
      };
      const handle = clock.setTimer(delayMs, async () => {
        const end = tracker.begin();
        settle();
        try {
          await task();
        } finally {
          end();
        }
      });
      return {
        cancel() {
          handle.cancel();
          settle();
          changed();
        },
      };
    },
    isIdle,
    counts: () => ({ running, timers }),
    idle(timeoutMs = 5000) {
      if (isIdle()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timeout = setTimeout(() => {
          off();
          reject(
            new BusyError(
              `Simulator still busy after ${timeoutMs} ms: ${running} running, ${timers} timers pending.`,
            ),
          );
        }, timeoutMs);
        const off = signals.on('activity', () => {
          // Re-check after the current microtasks: work often ends and starts again in the same tick.
          queueMicrotask(() => {
            if (!isIdle()) return;
            clearTimeout(timeout);
            off();
            resolve();
          });
        });
      });
    },
  };
  return tracker;
}
