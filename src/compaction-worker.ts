// The worker thread of a background snapshot: folds the log into the snapshot (see compaction.ts) and answers how
// it went, or why it failed.
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { type CompactionJob, compact } from './compaction.ts';

/**
 * Background work yields the processor to the threads that answer requests. On Linux a nice value belongs to one
 * thread (`setpriority` of pid 0 is the calling thread), and this one runs nothing else; elsewhere it would be the
 * whole process's, so it is left alone. Answers the nice value the compaction runs at (null when not lowered).
 */
function lowerPriority(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    setPriority(19);
    return getPriority();
  } catch {
    return null;
  }
}

try {
  const nice = lowerPriority();
  parentPort!.postMessage({ stats: { ...compact(workerData as CompactionJob), nice } });
} catch (error) {
  parentPort!.postMessage({ error: (error as Error).message });
}
