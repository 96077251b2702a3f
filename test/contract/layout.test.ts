// Every provider folder has one shape (docs/decisions/0005-provider-layout.md): the same file names for the
// same roles, so what a reader learns in one folder holds in the others.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../src/providers');
const ROLES = ['fixtures', 'model', 'rules', 'render', 'routes', 'events', 'actions', 'effects', 'admin'];
const REQUIRED = [
  /^index\.ts$/,
  /^fixtures\.ts$/,
  /^model\.ts$/,
  /^rules(-[a-z0-9]+)*\.ts$/,
  /^render(-[a-z0-9]+)*\.ts$/,
  /^routes(-[a-z0-9]+)*\.ts$/,
];
const ALLOWED = new RegExp(`^(index|(${ROLES.join('|')})(-[a-z0-9]+)*)\\.ts$`);

const folders = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

test('the four shipped providers are checked', () => {
  expect(folders.sort()).toEqual(['8x8', 'airkit', 'chatwoot', 'ece']);
});

describe.each(folders)('provider folder %s', (folder) => {
  const files = readdirSync(path.join(ROOT, folder));

  test('every file is named after its role: index, or fixtures, model, rules, render, routes, events, actions, effects or admin, with an optional -<area>', () => {
    expect(files.filter((file) => !ALLOWED.test(file))).toEqual([]);
  });

  test('it has the required roles: index, fixtures, model, rules, render and routes', () => {
    for (const required of REQUIRED)
      expect(
        files.some((file) => required.test(file)),
        String(required),
      ).toBe(true);
  });

  test('index.ts holds the definition only: one export, the provider definition', () => {
    const source = readFileSync(path.join(ROOT, folder, 'index.ts'), 'utf8');
    const exports = source.match(/^export\s+.*$/gm) ?? [];
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatch(/^export const \w+Provider = defineProvider/);
    expect(source).not.toMatch(/^(async )?function /m);
  });

  test('provider files import the contract through the kit, never another provider', () => {
    for (const file of files) {
      const source = readFileSync(path.join(ROOT, folder, file), 'utf8');
      expect(source, file).not.toMatch(/from '\.\.\/\.\.\/provider\/(?!index\.ts')/);
      expect(source, file).not.toMatch(/from '\.\.\/(?!\.\.\/)[^']*'/);
    }
  });
});
