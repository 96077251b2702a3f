import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from 'vitest';

// A store that cannot be written (here: a file size limit, as a full disk would do): writes answer 503, health
// says so, and the process exits 1 at shutdown with a one-line reason, never "store flushed" and 0.
test('serve with a store it cannot write answers 503 to writes, reports it in health and exits 1', async () => {
  const db = path.join(mkdtempSync(path.join(tmpdir(), 'convosim-full-')), 'db.json');
  const bin = path.resolve('bin/convosim.js');
  const child = spawn(
    'bash',
    [
      '-c',
      `ulimit -f 48; exec "${process.execPath}" "${bin}" serve --port 0 --db "${db}" --providers chatwoot`,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) =>
      resolve(/listening on (\S+)/.exec(line)?.[1] ?? ''),
    );
    child.once('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
  });
  try {
    let refused: Response | null = null;
    for (let i = 0; i < 1000 && !refused; i++) {
      const res = await fetch(`${url}/api/v1/accounts/1/conversations`, {
        method: 'POST',
        headers: { api_access_token: 'chatwoot-token', 'content-type': 'application/json' },
        body: JSON.stringify({ inbox_id: 1, contact_id: 1 }),
      });
      if (res.status === 503) refused = res;
      else expect(res.status).toBe(200);
    }
    expect(refused, 'a write refused once the store file hit its size limit').not.toBeNull();
    expect(await refused!.text()).toMatch(/cannot be written: EFBIG/);
    const health = (await (await fetch(`${url}/__admin/health`)).json()) as { storage: { ok: boolean } };
    expect(health.storage.ok).toBe(false);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(1);
  expect(stderr).toMatch(/convosim: the store .* could not be written \(\d+ failed writes/);
}, 60_000);
