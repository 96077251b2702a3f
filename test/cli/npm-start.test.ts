import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';

test('npm start in the background stops the server when npm gets SIGTERM (kill $!)', async () => {
  // npm runs the start script through `sh -c`; the server must be the process npm signals, not a grandchild.
  const npm = spawn('npm', ['start', '--silent', '--', '--port', '0', '--db', 'memory'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const banner = new Promise<void>((resolve, reject) => {
    npm.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('  store memory')) resolve();
    });
    npm.on('exit', () => reject(new Error(`npm exited before the banner: ${stdout}`)));
  });
  const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
  try {
    await banner;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
    expect((await fetch(`${url}/__admin/health`)).status).toBe(200);
    npm.kill('SIGTERM');
    await exited;
    expect(stdout).toContain('convosim stopped (SIGTERM); store flushed to memory');
    await expect(fetch(`${url}/__admin/health`)).rejects.toThrow(/fetch failed/);
  } finally {
    if (npm.exitCode === null) npm.kill('SIGKILL');
  }
});
