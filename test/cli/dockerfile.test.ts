// Docker cannot build images on this machine, so the Dockerfile's two commands are run directly, as the image
// would run them from /app (this repository is laid out the same way): the server command, then the health
// check against it. The only changes: a free port instead of 4010, and loopback instead of 0.0.0.0.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { expect, test } from 'vitest';

function instruction(dockerfile: string, name: 'CMD' | 'HEALTHCHECK'): string[] {
  const text = dockerfile.replace(/\\\n\s*/g, ' ');
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  const json = /CMD (\[.*\])\s*$/.exec(line ?? '')?.[1];
  if (!json) throw new Error(`no ${name} [...] line in the Dockerfile`);
  return JSON.parse(json) as string[];
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test("the Dockerfile's server command starts the simulator and its health check passes against it", async () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const port = String(await freePort());
  const local = (args: string[]) => args.map((a) => a.replace('0.0.0.0', '127.0.0.1').replace('4010', port));
  const [node, ...serve] = local(instruction(dockerfile, 'CMD'));
  const [, ...check] = local(instruction(dockerfile, 'HEALTHCHECK'));
  expect(node).toBe('node');
  const server = spawn(process.execPath, serve, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    // Docker gives the container a start period before the first check; here, its banner.
    await new Promise<void>((resolve, reject) => {
      let banner = '';
      server.stdout.on('data', (d) => {
        banner += d;
        if (banner.includes('listening on')) resolve();
      });
      server.on('exit', () => reject(new Error(`the server command exited: ${banner}`)));
    });
    const health = spawn(process.execPath, check, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    health.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise((resolve) => health.on('exit', resolve));
    expect(out).toContain(`convosim is ready at http://127.0.0.1:${port}`);
    expect(code).toBe(0);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.on('exit', resolve));
  }
});
