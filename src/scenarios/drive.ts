import type { ExtensionHost } from '../simulator.ts';
import type { RunReport, ScenarioRun } from './run-report.ts';

/** How `drive` moves a virtual clock. */
export type DriveOptions = {
  /**
   * Real milliseconds the simulator must have been quiet (no request answered, no webhook created, attempted or
   * settled, and no work in progress) before virtual time moves on: the system under test's chance to react. Default 50;
   * 0 moves time as soon as the simulator's own work is done (for a system under test inside the simulator).
   */
  settleMs?: number;
  /** Upper bound, in real milliseconds, of one wait for quiet (a system under test that polls is never quiet). */
  maxSettleMs?: number;
};

/** The quiet window `drive` gives the system under test by default, in real ms (the CLI's `--settle` too). */
export const DEFAULT_SETTLE_MS = 50;
/** The longest one wait for quiet lasts by default, in real ms. */
export const DEFAULT_MAX_SETTLE_MS = 2000;

const IDLE_TIMEOUT_MS = 60_000;

/** What `drive` needs from the engine. */
export type DriveDeps = {
  host: ExtensionHost;
  nextChange(run: ScenarioRun): Promise<RunReport>;
  /** Runs `task` while no other drive advances the clock. */
  advanceAlone<T>(task: () => Promise<T> | null): Promise<T | null>;
};

/**
 * On a virtual clock, advances it timer by timer until the run has finished; resolves with the report.
 * Before every move of time it waits until the simulator is quiet: nothing in progress (webhooks in flight,
 * scenario steps) and no request, webhook attempt or settlement for `settleMs` of real time, bounded by
 * `maxSettleMs`. So a system under test that answers a webhook first and then calls the API (over real HTTP,
 * in another process) is seen before the run's expectation times out in virtual time.
 */
export async function driveRun(deps: DriveDeps, run: ScenarioRun, options: DriveOptions = {}) {
  const { host } = deps;
  if (host.clock.kind !== 'virtual') return run.outcome;
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const maxSettleMs = Math.max(settleMs, options.maxSettleMs ?? DEFAULT_MAX_SETTLE_MS);
  let lastActivity = performance.now();
  const touch = () => {
    lastActivity = performance.now();
  };
  const offs = [
    host.signals.on('request', touch),
    host.signals.on('delivery.created', touch),
    host.signals.on('delivery.attempt', touch),
    host.signals.on('delivery.settled', touch),
  ];
  try {
    while (!run.isFinished()) {
      await host.control.idle({ timeoutMs: IDLE_TIMEOUT_MS });
      if (run.isFinished()) break;
      if (run.report().status === 'waiting') {
        await Promise.race([deps.nextChange(run), run.outcome]);
        continue;
      }
      let changed = false;
      const change = deps.nextChange(run).then(() => {
        changed = true;
      });
      if (settleMs > 0) {
        const started = performance.now();
        for (;;) {
          const quietFor = performance.now() - lastActivity;
          const left = Math.min(settleMs - quietFor, maxSettleMs - (performance.now() - started));
          if (changed || left <= 0) break;
          await Promise.race([change, waitReal(left)]);
          await host.control.idle({ timeoutMs: IDLE_TIMEOUT_MS });
        }
      }
      if (changed || run.isFinished()) continue;
      const moved = await deps.advanceAlone(() => {
        const due = run.isFinished() ? null : run.nextDue();
        if (due === null) return null;
        return host.control.advance(Math.max(0, due - host.clock.now()));
      });
      if (moved === null && !run.isFinished()) await Promise.race([deps.nextChange(run), run.outcome]);
    }
  } finally {
    for (const off of offs) off();
  }
  return run.outcome;
}

// Real time, only to give a system under test outside the simulator a chance to answer.
function waitReal(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
