import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export const BIN = path.resolve('bin/convosim.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Spawns the CLI (killed after the test); `waitFor(text)` resolves once stdout contains `text`. */
export function spawnCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const waiters: { text: string | RegExp; resolve(): void }[] = [];
  const has = (text: string | RegExp) =>
    typeof text === 'string' ? stdout.includes(text) : text.test(stdout);
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    for (const waiter of waiters.filter((w) => has(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves once stdout shows `text`; rejects if the process exits first. */
    waitFor: (text: string | RegExp) =>
      has(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ text, resolve });
            void exited.then(() => {
              if (!has(text)) reject(new Error(`exited before printing ${text}: ${stdout}${stderr}`));
            });
          }),
  };
}

/** A fresh temporary folder. */
export const tempDir = () => mkdtempSync(path.join(tmpdir(), 'convosim-cli-'));
