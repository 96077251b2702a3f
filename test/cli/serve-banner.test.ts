import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { spawnCli } from './support.ts';

test('serve prints where each provider sends its webhooks and callbacks and the full 8x8 base, and a SIGTERM right after stops it cleanly', async () => {
  const cli = spawnCli(['serve', '--port', '0', '--db', 'memory', '--log-level', 'warn']);
  await cli.waitFor('  store memory');
  const { stdout } = cli.output();
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
  expect(stdout).toContain(`${url}/vcc/us/chat/v2/tenant/acme`);
  expect(stdout).toContain(
    '            callbacks -> http://127.0.0.1:8099/ece/callback (client application ece-chat-key; the fixtures default: change it with --option ece.callbackUrl=URL)',
  );
  expect(stdout).toContain('            webhooks  -> none yet (register one with the 8x8 webhooks API');
  expect(stdout).toContain('            webhooks  -> none yet (account webhooks or an inbox webhook_url');
  expect(stdout).toContain(
    '            webhooks  -> none yet (set a webhookUrl: PATCH /__admin/providers/airkit/resources/hub-default)',
  );
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
});

test('serve prints the ECE callback given with --option', async () => {
  const cli = spawnCli([
    'serve',
    '--port',
    '0',
    '--db',
    'memory',
    '--providers',
    'ece',
    '--option',
    'ece.callbackUrl=http://127.0.0.1:3000/ece',
  ]);
  await cli.waitFor('  store memory');
  expect(cli.output().stdout).toContain(
    '            callbacks -> http://127.0.0.1:3000/ece (every client application: --option ece.callbackUrl)',
  );
});

test('convosim --version prints the version of package.json', async () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  const cli = spawnCli(['--version']);
  expect(await cli.exited).toBe(0);
  expect(cli.output().stdout).toBe(`${version}\n`);
});
