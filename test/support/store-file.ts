import { mkdtempSync, writeFileSync } from 'node:fs';
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
