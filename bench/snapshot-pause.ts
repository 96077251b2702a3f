// Measures what a background snapshot of a pre-filled store costs the event loop: the store is opened in a child
// process (as the server would open it), a snapshot is taken while a timer samples the event loop's delay, and
// the longest delay is reported (the snapshot is folded in a worker thread: what is left on the event loop is the
// log's rotation and the worker's start). Usage: tsx bench/snapshot-pause.ts <db>
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createStore } from '../src/store.ts';

export type SnapshotPause = {
  openMs: number;
  snapshotMs: number;
  bytes: number;
  maxLoopDelayMs: number;
};

/** Opens a copy of `file`'s store and times one snapshot of it. */
export async function measureSnapshotPause(file: string): Promise<SnapshotPause> {
  const dir = mkdtempSync(path.join(tmpdir(), 'convosim-snapshot-'));
  for (const name of readdirSync(path.dirname(file))) {
    if (name.startsWith(path.basename(file)) && !name.endsWith('.lock')) {
      cpSync(path.join(path.dirname(file), name), path.join(dir, name));
    }
  }
  const began = performance.now();
  const store = await createStore({ location: path.join(dir, path.basename(file)), seed: 1 });
  const openMs = performance.now() - began;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const snapBegan = performance.now();
  await store.snapshot();
  const snapshotMs = performance.now() - snapBegan;
  delay.disable();
  const stats = store.status().lastSnapshot;
  await store.close();
  return {
    openMs,
    snapshotMs,
    bytes: stats?.bytes ?? 0,
    maxLoopDelayMs: delay.max / 1e6,
  };
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: snapshot-pause.ts <store file>');
  process.stdout.write(`${JSON.stringify(await measureSnapshotPause(file))}\n`);
}
