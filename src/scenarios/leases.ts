import type { ScenarioRun } from './run-report.ts';

/** How long a client's runs live without a client waiting on them, by default (real ms). */
export const DEFAULT_LEASE_MS = 15_000;

/**
 * Runs queued by a client that follows them over HTTP (`convosim run`, `convosim replay`): they live only as long
 * as their client does. The client holds its lease with an open connection (`GET /clients/:client/hold`, what
 * the CLI opens before it queues anything) or by waiting on any of its runs (`GET /runs/:id/wait`,
 * `GET /runs/:id`). When a holding connection or a wait closes before its answer (the client was killed:
 * Ctrl-C, a cancelled CI job), every unfinished run of that client is cancelled at once; when nothing holds the
 * lease for `leaseMs` of real time (a client that polls and died between two polls), the same happens. A
 * cancelled run never takes a conversation, so the next client's run gets it.
 */
export type RunLeases = {
  /** Puts `run` under `client`'s lease of `leaseMs`; the client must hold or wait within that time. */
  queue(client: string, leaseMs: number, run: ScenarioRun): void;
  /** A client request about `run` begins; returns the function to call when it ends (`aborted`: cut off). */
  touch(run: ScenarioRun): (aborted: boolean) => void;
  /** A holding connection of `client` opens; returns the function to call when it closes. */
  hold(client: string): () => void;
};

type Lease = { runs: Set<ScenarioRun>; leaseMs: number; open: number; timer: NodeJS.Timeout | null };

/** Creates the lease book of one simulator's scenario routes. */
export function createRunLeases(): RunLeases {
  const leases = new Map<string, Lease>();
  const clientOf = new WeakMap<ScenarioRun, string>();

  const release = (client: string, reason: string) => {
    const lease = leases.get(client);
    if (!lease) return;
    leases.delete(client);
    if (lease.timer) clearTimeout(lease.timer);
    for (const run of lease.runs) run.cancel(reason);
  };
  const arm = (client: string, lease: Lease) => {
    if (lease.timer) clearTimeout(lease.timer);
    lease.timer = setTimeout(
      () =>
        release(
          client,
          `cancelled: its client stopped following it (no wait for ${lease.leaseMs} ms of real time)`,
        ),
      lease.leaseMs,
    );
    lease.timer.unref();
  };
  const prune = (client: string, lease: Lease) => {
    for (const run of lease.runs) if (run.isFinished()) lease.runs.delete(run);
    if (lease.runs.size > 0) return false;
    if (lease.timer) clearTimeout(lease.timer);
    leases.delete(client);
    return true;
  };

  const open = (client: string, lease: Lease) => {
    lease.open++;
    if (lease.timer) clearTimeout(lease.timer);
    lease.timer = null;
    let ended = false;
    return (aborted: boolean) => {
      if (ended) return;
      ended = true;
      lease.open--;
      if (leases.get(client) !== lease) return;
      if (aborted) {
        release(client, 'cancelled: the client that queued it disconnected (killed or interrupted)');
        return;
      }
      if (!prune(client, lease) && lease.open === 0) arm(client, lease);
    };
  };

  return {
    hold(client) {
      const lease = leases.get(client) ?? {
        runs: new Set(),
        leaseMs: DEFAULT_LEASE_MS,
        open: 0,
        timer: null,
      };
      leases.set(client, lease);
      const end = open(client, lease);
      return () => end(true);
    },
    queue(client, leaseMs, run) {
      const lease = leases.get(client) ?? { runs: new Set(), leaseMs, open: 0, timer: null };
      leases.set(client, lease);
      lease.leaseMs = leaseMs;
      lease.runs.add(run);
      clientOf.set(run, client);
      if (lease.open === 0) arm(client, lease);
    },
    touch(run) {
      const client = clientOf.get(run);
      const lease = client === undefined ? undefined : leases.get(client);
      return client === undefined || !lease ? () => {} : open(client, lease);
    },
  };
}
