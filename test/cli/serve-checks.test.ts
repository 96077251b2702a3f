import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { spawnCli, tempDir } from './support.ts';

/** Runs `convosim serve` with the given flags and expects it to refuse at start; returns stderr. */
async function refused(args: string[]): Promise<string> {
  const cli = spawnCli(['serve', '--port', '0', '--db', 'memory', ...args]);
  expect(await cli.exited).toBe(1);
  expect(cli.output().stdout).toBe('');
  return cli.output().stderr;
}

test('serve refuses a --fixtures folder that does not exist', async () => {
  const missing = path.join(tempDir(), 'nope');
  expect(await refused(['--fixtures', missing])).toBe(
    `convosim: the fixtures folder ${missing} does not exist. Please give a folder with one subfolder per provider (ece, 8x8, chatwoot, airkit).\n`,
  );
});

test('serve refuses a provider folder inside --fixtures that names no provider, and suggests the nearest', async () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'ecee'));
  writeFileSync(path.join(dir, 'ecee', 'agents.yaml'), 'agents: []\n');
  expect(await refused(['--fixtures', dir])).toBe(
    `convosim: the fixtures folder ${dir} has a folder 'ecee' that names no provider (did you mean 'ece'?). Please name each folder after a provider: ece, 8x8, chatwoot, airkit.\n`,
  );
});

test('serve refuses --option for a provider that does not exist', async () => {
  expect(await refused(['--option', 'foo.bar=1'])).toBe(
    "convosim: --option foo.bar=1 names no served provider 'foo'. Providers: ece, 8x8, chatwoot, airkit.\n",
  );
});

test('serve refuses an unknown --option key and lists the valid keys', async () => {
  expect(await refused(['--option', 'ece.nope=1'])).toBe(
    "convosim: --option ece.nope=1: ece has no option 'nope'. Options of ece: callbackUrl (a URL), deactivateAfterFailures (an integer >= 1), autoAssign (true or false), autoAssignDelayMs (an integer >= 0), callbackBatching (one of pending, single).\n",
  );
});

test('serve refuses an --option value of the wrong kind and says what was expected', async () => {
  expect(await refused(['--option', 'ece.autoAssign=maybe'])).toBe(
    "convosim: --option ece.autoAssign=maybe: expected true or false, got 'maybe'.\n",
  );
});
