import { readFile, stat } from 'node:fs/promises';
import { linesOf } from './wal.ts';

/** What a snapshot file held, and its size in bytes. */
export type SnapshotRead = { value: unknown; bytes: number };

type Container = Record<string, unknown> | unknown[];

/** The value of a line that opens a container (`{` or `[` alone after its key), else undefined. */
export const opened = (rest: string): Container | undefined =>
  rest === '{' ? {} : rest === '[' ? [] : undefined;

/** Where the JSON string that starts `line` ends (the index of its closing quote), or -1. */
function endOfKey(line: string): number {
  if (line.charCodeAt(0) !== 34) return -1;
  for (let i = 1; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code === 92) i++;
    else if (code === 34) return i;
  }
  return -1;
}

function attach(parent: Container, key: string | null, value: unknown): void {
  if (Array.isArray(parent)) parent.push(value);
  // Like JSON.parse: `__proto__` is an own property, never the prototype.
  else if (key === '__proto__')
    Object.defineProperty(parent, key, { value, writable: true, enumerable: true, configurable: true });
  else parent[key!] = value;
}

/** A line of a snapshot that is not in the shape `toJsonPieces(value, true)` writes. */
export class NotInLines extends Error {}

/** The lines of a snapshot file, as `linesOf` reads them. */
export type SnapshotLines = Iterator<{ line: string; unterminated: boolean }>;

/** The next line as written, but without a CR at its end (a file edited by hand may end its lines with CRLF). */
export function nextWrittenLine(lines: SnapshotLines): string {
  const next = lines.next();
  if (next.done) throw new NotInLines('the document ends early');
  const read = next.value.line;
  return read.charCodeAt(read.length - 1) === 13 ? read.slice(0, -1) : read;
}

/** A line without the comma that separates it from the entry before. */
export const withoutComma = (line: string) => (line.charCodeAt(0) === 44 ? line.slice(1) : line);

/** The next line, without its CR (`nextWrittenLine`) and without the comma before it (`withoutComma`). */
export function nextLine(lines: SnapshotLines): string {
  return withoutComma(nextWrittenLine(lines));
}

export const isClosing = (line: string) => line === '}' || line === ']';

/** An entry of an object line: its key's JSON text and key, and the rest (the value, or `{`/`[`). */
export function splitEntry(line: string): { keyText: string; key: string; rest: string } {
  const end = endOfKey(line);
  if (end < 0 || line.charCodeAt(end + 1) !== 58) throw new NotInLines('an entry without a key');
  const keyText = line.slice(0, end + 1);
  const key = keyText.includes('\\') ? (JSON.parse(keyText) as string) : keyText.slice(1, -1);
  return { keyText, key, rest: line.slice(end + 2) };
}

/** Reads the rest of a container opened by the line before: its lines up to its closing bracket. */
export function readContainer(lines: SnapshotLines, container: Container): Container {
  const stack: Container[] = [container];
  while (stack.length > 0) {
    const line = nextLine(lines);
    const top = stack[stack.length - 1]!;
    if (isClosing(line)) {
      if (Array.isArray(top) !== (line === ']')) throw new NotInLines('unbalanced bracket');
      stack.pop();
      continue;
    }
    let key: string | null = null;
    let rest = line;
    if (!Array.isArray(top)) ({ key, rest } = splitEntry(line));
    const inner = opened(rest);
    attach(top, key, inner ?? JSON.parse(rest));
    if (inner) stack.push(inner);
  }
  return container;
}

/** Throws when anything but blank lines follows the end of the document. */
export function expectEnd(lines: SnapshotLines): void {
  for (let next = lines.next(); !next.done; next = lines.next()) {
    if (next.value.line.trim() !== '') throw new NotInLines('text after the end of the document');
  }
}

/**
 * Reads a snapshot written with `toJsonPieces(value, true)` line by line: each line is one entry of a container
 * (`,"key":<json>`, `,"key":{` opening a nested one, or a closing bracket), parsed on its own, so that reading a
 * large store never holds its whole text in memory. Throws on a line of any other shape.
 */
export async function readJsonLines(file: string): Promise<unknown> {
  const lines = linesOf(file);
  try {
    const first = nextLine(lines);
    const root = opened(first);
    const value = root ? readContainer(lines, root) : JSON.parse(first);
    expectEnd(lines);
    return value;
  } finally {
    lines.return(undefined);
  }
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
