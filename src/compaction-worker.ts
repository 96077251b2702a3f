// The worker thread of a background snapshot: folds the log into the snapshot (see compaction.ts) and answers how
// it went, or why it failed.
import { parentPort, workerData } from 'node:worker_threads';
import { type CompactionJob, compact } from './compaction.ts';

try {
  parentPort!.postMessage({ stats: compact(workerData as CompactionJob) });
} catch (error) {
  parentPort!.postMessage({ error: (error as Error).message });
}
