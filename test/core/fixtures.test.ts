import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { loadProviderFixtures, mergeFixtures } from '../../src/fixtures.ts';
import { echoProvider } from '../support/echo-provider.ts';
import { createTestSimulator } from '../support/simulator.ts';

function fixtureDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'convosim-fixtures-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('fixture files are loaded per provider from YAML and JSON, in name order', () => {
  const dir = fixtureDir({
    'echo/a.yaml': 'tokens:\n  - id: t1\n    tenant: one\n',
    'echo/b.json': '{"tokens":[{"id":"t2","tenant":"two"}]}',
    'other/ignored.yaml': 'nonsense: true',
  });
  const fixtures = loadProviderFixtures(echoProvider, [dir]);
  expect(fixtures.tokens.map((t) => t.id)).toEqual(['t1', 't2']);
});

test('a later fixture folder overrides items with the same id and adds new ones', () => {
  const base = fixtureDir({
    'echo/default.yaml': 'tokens:\n  - { id: t1, tenant: one }\n  - { id: t2, tenant: two }\n',
  });
  const extra = fixtureDir({
    'echo/mine.yaml': 'tokens:\n  - { id: t2, tenant: changed }\n  - { id: t3, tenant: three }\n',
  });
  const fixtures = loadProviderFixtures(echoProvider, [base, extra]);
  expect(fixtures.tokens).toEqual([
    { id: 't1', tenant: 'one' },
    { id: 't2', tenant: 'changed' },
    { id: 't3', tenant: 'three' },
  ]);
});

test('an invalid fixture field fails at load naming the file, line and field', () => {
  const dir = fixtureDir({ 'echo/bad.yaml': 'tokens:\n  - id: t1\n    tenant: 42\n' });
  expect(() => loadProviderFixtures(echoProvider, [dir])).toThrow(
    /echo[/\\]bad\.yaml:3: tokens\[0\]\.tenant: .*Please fix/,
  );
});

test('a fixture file with a YAML syntax error fails at load with its line', () => {
  const dir = fixtureDir({ 'echo/broken.yaml': 'tokens:\n  - id: [t1\n' });
  expect(() => loadProviderFixtures(echoProvider, [dir])).toThrow(
    /broken\.yaml:\d+:\d+: .*Please fix the syntax/,
  );
});

test('an unknown fixture key is refused rather than ignored', () => {
  const dir = fixtureDir({ 'echo/typo.yaml': 'tokenz: []\n' });
  expect(() => loadProviderFixtures(echoProvider, [dir])).toThrow(/typo\.yaml:1: \(root\): .*tokenz/);
});

test('cross-reference checks of merged fixtures fail with the provider name', () => {
  expect(() => loadProviderFixtures(echoProvider, [], { tokens: [{ id: '', tenant: 'x' }] })).toThrow(
    /fixtures for echo: tokens: an id is empty/,
  );
});

test('merging replaces scalars, merges objects, and merges id lists item by item', () => {
  expect(mergeFixtures({ a: 1, b: { c: 1, d: 2 }, l: [1, 2] }, { a: 2, b: { d: 3 }, l: [3] })).toEqual({
    a: 2,
    b: { c: 1, d: 3 },
    l: [3],
  });
});

test('a simulator refuses a fixtures folder that does not exist, or a subfolder that names no provider', async () => {
  await expect(
    createTestSimulator({ fixtures: undefined, fixturesDirs: ['/nonexistent/convosim-fixtures'] }),
  ).rejects.toThrow(/the fixtures folder \/nonexistent\/convosim-fixtures does not exist/);
  const dir = fixtureDir({ 'ecoh/x.yaml': 'tokens: []\n' });
  await expect(createTestSimulator({ fixtures: undefined, fixturesDirs: [dir] })).rejects.toThrow(/ecoh/);
});

test('a simulator loads fixtures from the folders it is given', async () => {
  const dir = fixtureDir({ 'echo/x.yaml': 'tokens:\n  - { id: from-dir, tenant: d }\n' });
  const sim = await createTestSimulator({ fixtures: undefined, fixturesDirs: [dir] });
  const res = await sim.app.request('/echo/v1/conversations', {
    method: 'POST',
    headers: { authorization: 'Bearer from-dir', 'content-type': 'application/json' },
    body: '{"text":"hi"}',
  });
  expect(res.status).toBe(201);
});
