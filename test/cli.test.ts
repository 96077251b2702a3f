import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, test } from 'vitest';

const BIN = path.resolve('bin/convosim.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    stdout += `${line}\n`;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', () => reject(new Error(`exited before printing: ${stderr}`)));
  });
  firstLine.catch(() => {}); // only the tests that read it care
  return { child, exited, firstLine, output: () => ({ stdout, stderr }) };
}

const tempDb = () => path.join(mkdtempSync(path.join(tmpdir(), 'convosim-cli-')), 'db.json');

test('serve prints the URLs, answers health, and flushes the store and exits 0 on SIGTERM', async () => {
  const db = tempDb();
  const cli = run(['serve', '--port', '0', '--db', db, '--clock', 'virtual', '--seed', '42']);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await cli.firstLine)?.[1];
  expect(url).toBeDefined();
  const health = (await (await fetch(`${url}/__admin/health`)).json()) as {
    seed: number;
    clock: { kind: string };
  };
  expect(health).toMatchObject({ seed: 42, clock: { kind: 'virtual' } });
  expect((await fetch(`${url}/no/such/route`)).status).toBe(404);
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
  expect(cli.output().stdout).toMatch(/\/__admin/);
  expect(cli.output().stdout).toMatch(/stopped \(SIGTERM\); store flushed/);
  expect(JSON.parse(readFileSync(db, 'utf8'))).toMatchObject({ version: 2, meta: { seed: 42 } });
  const journal = readFileSync(`${db}.requests.ndjson`, 'utf8').trim().split('\n');
  expect(journal.map((line) => JSON.parse(line).path)).toEqual(['/no/such/route']);
});

test('the command serves the same from the TypeScript sources as from the build', async () => {
  const answers: unknown[] = [];
  for (const env of [{ CONVOSIM_FROM_SOURCE: '1' }, {}] as Record<string, string>[]) {
    const cli = run(['serve', '--port', '0', '--db', 'memory', '--clock', 'virtual', '--seed', '7'], env);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await cli.firstLine)?.[1];
    const health = (await (await fetch(`${url}/__admin/health`)).json()) as {
      seed: number;
      providers: unknown[];
    };
    answers.push({ seed: health.seed, providers: health.providers });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  }
  expect(answers[0]).toMatchObject({ seed: 7 });
  expect(answers[1]).toEqual(answers[0]);
});

test('serve --log-format json prints one JSON line per request after its banner', async () => {
  const cli = run(['serve', '--port', '0', '--db', 'memory', '--clock', 'virtual', '--log-format', 'json']);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await cli.firstLine)?.[1];
  await fetch(`${url}/airkit/v1/conversations`, {
    method: 'POST',
    headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
    body: '{}',
  });
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
  const lines = cli
    .output()
    .stdout.split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toContainEqual(
    expect.objectContaining({
      type: 'request',
      provider: 'airkit',
      method: 'POST',
      status: 401,
      level: 'warn',
    }),
  );
  expect(cli.output().stdout).not.toContain('Bearer nope');
});

test('a process killed during a burst of requests leaves a valid store file', async () => {
  const db = tempDb();
  const cli = run(['serve', '--port', '0', '--db', db]);
  const url = /listening on (\S+)/.exec(await cli.firstLine)?.[1];
  const burst = Array.from({ length: 200 }, (_, i) => fetch(`${url}/burst/${i}`).catch(() => null));
  await Promise.all(burst.slice(0, 50));
  cli.child.kill('SIGKILL');
  await cli.exited;
  await Promise.all(burst);
  const again = run(['serve', '--port', '0', '--db', db]);
  const next = /listening on (\S+)/.exec(await again.firstLine)?.[1];
  const { count } = (await (await fetch(`${next}/__admin/requests/count`)).json()) as { count: number };
  expect(count).toBeGreaterThanOrEqual(50);
  again.child.kill('SIGTERM');
  expect(await again.exited).toBe(0);
});

test('a taken port gives a one-line error and exit code 1', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  const cli = run(['serve', '--port', String(port), '--db', 'memory']);
  expect(await cli.exited).toBe(1);
  blocker.close();
  const { stderr } = cli.output();
  expect(stderr.trim().split('\n')).toEqual([
    `convosim: port ${port} on 127.0.0.1 is already in use. Please stop the other process or pick another with --port.`,
  ]);
});

test('a bad flag gives a one-line error and exit code 1', async () => {
  const cli = run(['serve', '--clock', 'sundial']);
  expect(await cli.exited).toBe(1);
  expect(cli.output().stderr.trim().split('\n')).toEqual([
    "convosim: option '--clock <kind>' argument 'sundial' is invalid. Allowed choices are real, virtual.",
  ]);
});

test('an unknown provider gives a one-line error and exit code 1', async () => {
  const cli = run(['serve', '--providers', 'nope', '--db', 'memory']);
  expect(await cli.exited).toBe(1);
  expect(cli.output().stderr).toMatch(/^convosim: unknown provider nope\. Providers: /);
  expect(cli.output().stderr.trim().split('\n')).toHaveLength(1);
});

test('a malformed provider option gives a one-line error', async () => {
  const cli = run(['serve', '--option', 'nodot', '--db', 'memory']);
  expect(await cli.exited).toBe(1);
  expect(cli.output().stderr.trim()).toMatch(/must look like <provider>\.<key>=<value>/);
});

test('the CLI program imports and builds without starting, and reads --option flags per provider', async () => {
  const { createProgram, parseOptionFlags } = await import('../src/cli.ts');
  expect(createProgram().commands.map((command) => command.name())).toEqual([
    'serve',
    'run',
    'replay',
    'wait',
    'transcript',
  ]);
  expect(parseOptionFlags(['ece.callbackUrl=http://x', 'ece.retries=3', '8x8.strict=true'])).toEqual({
    ece: { callbackUrl: 'http://x', retries: 3 },
    '8x8': { strict: true },
  });
});

/** How a serve process ended up: it exited (with its code) or it started listening. */
const settle = (cli: ReturnType<typeof run>) =>
  Promise.race([cli.exited.then((code) => ({ code })), cli.firstLine.then((line) => ({ line }))]);

test.each([
  ['__proto__.polluted=1', '__proto__'],
  ['ece.__proto__=1', '__proto__'],
  ['ece.constructor=1', 'constructor'],
  ['prototype.x=1', 'prototype'],
])('the provider option %s is refused with one line and exit code 1', async (option, name) => {
  const cli = run(['serve', '--port', '0', '--db', 'memory', '--option', option]);
  expect(await settle(cli)).toEqual({ code: 1 });
  expect(cli.output().stderr.trim().split('\n')).toEqual([
    `convosim: '${option}' uses the reserved name '${name}'. Please name a real option.`,
  ]);
});

test('serve refuses a non-loopback host without an admin token, with one line and exit code 1', async () => {
  const cli = run(['serve', '--port', '0', '--db', 'memory', '--host', '0.0.0.0']);
  expect(await settle(cli)).toEqual({ code: 1 });
  expect(cli.output().stderr.trim().split('\n')).toEqual([
    'convosim: refusing to serve the admin API on "0.0.0.0" (not loopback) without an admin token. Please set one ' +
      '(--admin-token, CONVOSIM_ADMIN_TOKEN, or the adminToken option), or allow an open admin API with ' +
      '--allow-remote-admin (allowRemoteAdmin: true).',
  ]);
});

test('serve with CONVOSIM_ADMIN_TOKEN requires it on the admin API, and transcript sends it with --admin-token', async () => {
  const token = 'cli-admin-token-42';
  const cli = run(['serve', '--port', '0', '--db', 'memory'], { CONVOSIM_ADMIN_TOKEN: token });
  const first = await cli.firstLine;
  const url = /listening on (\S+)/.exec(first)?.[1];
  expect((await fetch(`${url}/__admin/health`)).status).toBe(401);
  const authorized = await fetch(`${url}/__admin/health`, { headers: { authorization: `Bearer ${token}` } });
  expect(authorized.status).toBe(200);
  const without = run(['transcript', 'ece', 'nope', '--url', url!], { CONVOSIM_ADMIN_TOKEN: '' });
  expect(await without.exited).toBe(1);
  expect(without.output().stderr).toMatch(/The admin API needs its token/);
  const withToken = run(['transcript', 'ece', 'nope', '--url', url!, '--admin-token', token]);
  expect(await withToken.exited).toBe(1);
  expect(withToken.output().stderr).not.toMatch(/needs its token/);
  await new Promise((resolve) => setImmediate(resolve));
  expect(cli.output().stdout).toMatch(/\/__admin .*token required/);
});
