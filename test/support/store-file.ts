import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStoreData } from '../../src/store.ts';

/**
 * Writes a store file holding `state` as `provider`'s state (as an earlier version may have left it), in a new
 * temporary folder added to `dirs` for the caller to remove; returns the file's path.
 */
export function writeStoreFile(dirs: string[], provider: string, state: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), `convosim-${provider}-`));
  dirs.push(dir);
  const file = path.join(dir, 'db.json');
  const data = createStoreData(1);
  data.providers[provider] = state;
  writeFileSync(file, JSON.stringify(data));
  return file;
}

/** A new store path: `db.json` in a new temporary folder added to `dirs`, for the caller to remove. */
export function tempStorePath(dirs: string[], name = 'store'): string {
  const dir = mkdtempSync(path.join(tmpdir(), `convosim-${name}-`));
  dirs.push(dir);
  return path.join(dir, 'db.json');
}

/**
 * The files of the store at `file` copied to a new store path (in `dirs`), the lock left behind: what a process
 * killed while it runs leaves (no close, no last snapshot). Returns the copy's path.
 */
export function copyStoreFiles(dirs: string[], file: string): string {
  const target = tempStorePath(dirs, 'copy');
  const dir = path.dirname(file);
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.lock')) continue;
    copyFileSync(
      path.join(dir, name),
      path.join(path.dirname(target), name.replace(path.basename(file), 'db.json')),
    );
  }
  return target;
}
