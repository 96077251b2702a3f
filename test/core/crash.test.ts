import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from 'vitest';
import { createRandom } from '../../src/random.ts';

// kill -9 at random moments during a bounded burst of writes, repeated: after each restart the store opens and
// every acknowledged change is there. CRASH_RUNS=20 for the full count (the default keeps CI fast).
const RUNS = Number(process.env.CRASH_RUNS ?? 3);
const server = path.resolve('test/support/crash-server.ts');

function startServer(file: string): Promise<{ child: ChildProcess; url: string }> {
  // A 4 KiB snapshot threshold: a snapshot every few dozen creates (then half the last snapshot), so that kills
  // also land while a worker folds the log into the snapshot file.
  const child = spawn(process.execPath, ['--import', 'tsx', server, file, '4096'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (url) => resolve({ child, url }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

const create = (url: string) =>
  fetch(`${url}/echo/v1/conversations`, {
    method: 'POST',
    headers: { authorization: 'Bearer good-token', 'content-type': 'application/json' },
    body: '{"text":"hi"}',
  });

test(
  'kill -9 during a write burst loses no acknowledged change and leaves a store that opens',
  async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'convosim-crash-')), 'db.json');
    const random = createRandom(7, 0);
    const acknowledged: string[] = [];
    let running = await startServer(file);
    for (let run = 0; run < RUNS; run++) {
      const killAfter = 20 + Math.floor(random.next() * 200);
      const { child, url } = running;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let acks = 0;
      let killed = false;
      // Eight writers keep requests in flight, so the kill lands in the middle of some of them.
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (!killed) {
            try {
              const res = await create(url);
              if (res.status !== 201) throw new Error(`create answered ${res.status}`);
              const { id } = (await res.json()) as { id: string };
              acknowledged.push(id);
              if (++acks >= killAfter && !killed) {
                killed = true;
                child.kill('SIGKILL');
              }
            } catch (error) {
              if (!killed) throw error;
            }
          }
        }),
      );
      await exited;
      running = await startServer(file);
      for (const id of acknowledged) {
        const res = await fetch(`${running.url}/echo/v1/conversations/${id}`);
        expect(res.status, `conversation ${id} acknowledged before kill ${run + 1}`).toBe(200);
      }
      const fresh = (await (await create(running.url)).json()) as { id: string };
      expect(acknowledged).not.toContain(fresh.id);
      acknowledged.push(fresh.id);
    }
    running.child.kill('SIGKILL');
    console.log(`crash test: ${RUNS} kills, ${acknowledged.length} acknowledged creates, 0 lost`);
  },
  60_000 + RUNS * 15_000,
);
