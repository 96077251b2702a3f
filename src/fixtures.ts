import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest, distance } from 'fastest-levenshtein';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatPath, toIssuePath } from './issue-path.ts';
import { isRecord } from './own.ts';
import type { ProviderDefinition } from './provider/contract.ts';
import { lineOf } from './yaml-lines.ts';

/** The fixtures shipped with convosim: fixtures/<provider>/*.yaml|json. */
export const DEFAULT_FIXTURES_DIR = fileURLToPath(new URL('../fixtures', import.meta.url));

/** A fixture file that could not be loaded; the message names the file, line and field, and a fix. */
export class FixtureError extends Error {
  override name = 'FixtureError';
}

const FIXTURE_FILE = /\.(ya?ml|json)$/i;

/** Lists the fixture files of one provider in `dir`, sorted by name. */
export function listFixtureFiles(dir: string, provider: string): string[] {
  const folder = path.join(dir, provider);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => FIXTURE_FILE.test(name))
    .sort()
    .map((name) => path.join(folder, name));
}

/** Parses and validates one fixture file against a provider's fixture schema. */
export function loadFixtureFile<F>(file: string, schema: z.ZodType<F>): F {
  const text = readFileSync(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    throw new FixtureError(
      `Failed to load fixtures ${file}:${line}:${col}: ${syntax.message.split('\n')[0]}. Please fix the syntax.`,
    );
  }
  const result = schema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const at = toIssuePath(issue);
  const line = lineOf(doc, lineCounter, at);
  throw new FixtureError(
    `Failed to load fixtures ${file}${line ? `:${line}` : ''}: ${formatPath(at) || '(root)'}: ${issue.message}. ` +
      'Please fix this field or remove it to use the default.',
  );
}

/**
 * Merges fixture layers: objects merge key by key; arrays of objects with an `id` or `key` merge item by item
 * (a later item with the same id replaces the earlier one); any other value is replaced.
 */
export function mergeFixtures(base: unknown, override: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(override) && [...base, ...override].every(hasIdentity)) {
    const merged = new Map<string, unknown>();
    for (const item of [...base, ...override]) merged.set(identityOf(item), item);
    return [...merged.values()];
  }
  if (isRecord(base) && isRecord(override)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) {
      merged[key] = key in base ? mergeFixtures(base[key], value) : value;
    }
    return merged;
  }
  return override === undefined ? base : override;
}

const hasIdentity = (v: unknown) => isRecord(v) && ('id' in v || 'key' in v);
const identityOf = (v: unknown) => {
  const o = v as Record<string, unknown>;
  return String('id' in o ? o.id : o.key);
};

/** Loads a provider's fixtures: files from each dir in order, then an inline override; validated at each layer. */
export function loadProviderFixtures<F>(
  provider: ProviderDefinition<unknown, F, unknown>,
  dirs: readonly string[],
  inline?: unknown,
): F {
  let merged: unknown = provider.fixtures.parse({});
  for (const dir of dirs) {
    for (const file of listFixtureFiles(dir, provider.name)) {
      merged = mergeFixtures(merged, loadFixtureFile(file, provider.fixtures));
    }
  }
  if (inline !== undefined) {
    const result = provider.fixtures.safeParse(inline);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const at = toIssuePath(issue);
      throw new FixtureError(
        `Failed to load inline fixtures for ${provider.name}: ${formatPath(at) || '(root)'}: ${issue.message}.`,
      );
    }
    merged = mergeFixtures(merged, result.data);
  }
  const fixtures = provider.fixtures.parse(merged);
  const problems = provider.checkFixtures?.(fixtures) ?? [];
  if (problems.length > 0) {
    throw new FixtureError(
      `Failed to load fixtures for ${provider.name}: ${problems.join('; ')}. Please fix the references.`,
    );
  }
  return fixtures;
}

/**
 * Refuses fixture folders that would be ignored silently: a folder that does not exist, and a subfolder that
 * names no provider (a typo such as `ecee/`). `known` are the provider names; `scenarios/` is allowed beside
 * them (shipped scenario files live there), and so are hidden folders.
 */
export function checkFixtureDirs(dirs: readonly string[], known: readonly string[]): void {
  const list = known.join(', ');
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new FixtureError(
        `the fixtures folder ${dir} does not exist. Please give a folder with one subfolder per provider (${list}).`,
      );
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const name = entry.name;
      if (!entry.isDirectory() || name.startsWith('.') || name === 'scenarios' || known.includes(name))
        continue;
      const nearest = known.length > 0 ? closest(name, [...known]) : undefined;
      const hint =
        nearest !== undefined && distance(name, nearest) <= 2 ? ` (did you mean '${nearest}'?)` : '';
      throw new FixtureError(
        `the fixtures folder ${dir} has a folder '${name}' that names no provider${hint}. Please name each folder after a provider: ${list}.`,
      );
    }
  }
}
