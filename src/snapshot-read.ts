import { readFile, stat } from 'node:fs/promises';
import { linesOf } from './wal.ts';

/** What a snapshot file held, and its size in bytes. */
export type SnapshotRead = { value: unknown; bytes: number };

export type Container = Record<string, unknown> | unknown[];

/** The value of a line that opens a container (`{` or `[` alone after its key), else undefined. */
export const opened = (rest: string): Container | undefined =>
  rest === '{' ? {} : rest === '[' ? [] : undefined;

/** Where the JSON string that starts `line` ends (the index of its closing quote), or -1. */
export function endOfKey(line: string): number {
  if (line.charCodeAt(0) !== 34) return -1;
  for (let i = 1; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code === 92) i++;
    else if (code === 34) return i;
  }
  return -1;
}

export function attach(parent: Container, key: string | null, value: unknown): void {
  if (Array.isArray(parent)) parent.push(value);
  // Like JSON.parse: `__proto__` is an own property, never the prototype.
  else if (key === '__proto__')
    Object.defineProperty(parent, key, { value, writable: true, enumerable: true, configurable: true });
  else parent[key!] = value;
}

/**
 * Reads a snapshot written with `toJsonPieces(value, true)` line by line: each line is one entry of a container
 * (`,"key":<json>`, `,"key":{` opening a nested one, or a closing bracket), parsed on its own, so that reading a
 * large store never holds its whole text in memory. Throws on a line of any other shape.
 */
export async function readJsonLines(file: string): Promise<unknown> {
  const stack: Container[] = [];
  let root: unknown;
  let done = false;
  for (const { line: read } of linesOf(file)) {
    // A line ending may be CRLF (a file edited by hand): the line is its text without the CR.
    const raw = read.charCodeAt(read.length - 1) === 13 ? read.slice(0, -1) : read;
    if (done) {
      if (raw.trim() !== '') throw new Error('text after the end of the document');
      continue;
    }
    const line = raw.charCodeAt(0) === 44 ? raw.slice(1) : raw;
    const top = stack[stack.length - 1];
    if (line === '}' || line === ']') {
      if (!top || Array.isArray(top) !== (line === ']')) throw new Error('unbalanced bracket');
      stack.pop();
      done = stack.length === 0;
      continue;
    }
    let key: string | null = null;
    let rest = line;
    if (top && !Array.isArray(top)) {
      const end = endOfKey(line);
      if (end < 0 || line.charCodeAt(end + 1) !== 58) throw new Error('an entry without a key');
      key = JSON.parse(line.slice(0, end + 1)) as string;
      rest = line.slice(end + 2);
    }
    const container = opened(rest);
    const value = container ?? JSON.parse(rest);
    if (top) attach(top, key, value);
    else {
      root = value;
      done = container === undefined;
    }
    if (container) stack.push(container);
  }
  if (!done) throw new Error('the document ends early');
  return root;
}

/**
 * Reads a JSON snapshot: line by line when it was written in lines (as `toJsonPieces(value, true)` and compaction write it), else (a file
 * written by an older version, or edited by hand) in one piece. Null when there is no file; throws a one-line reason when the file
 * is not valid JSON.
 */
export async function readSnapshotFile(file: string): Promise<SnapshotRead | null> {
  let bytes: number;
  try {
    bytes = (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return { value: await readJsonLines(file), bytes };
  } catch {
    // Not in lines (an older snapshot, a file edited by hand): the whole text at once, as before.
  }
  try {
    return { value: JSON.parse(await readFile(file, 'utf8')), bytes };
  } catch {
    throw new Error(`${file} is not valid JSON. Please delete it or point --db at another file.`);
  }
}
