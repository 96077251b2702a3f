import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { toJsonPieces } from '../../src/snapshot.ts';
import { readJsonLines, readSnapshotFile } from '../../src/snapshot-read.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'convosim-snap-read-'));
let n = 0;
const fileWith = (text: string) => {
  const file = path.join(dir, `s${n++}.json`);
  writeFileSync(file, text);
  return file;
};
const wide = (width: number) => ({
  version: 2,
  providers: {
    p: {
      conversations: Object.fromEntries(
        Array.from({ length: width }, (_, i) => [
          `c${i}`,
          { id: `c${i}`, text: `line\n${i} {`, list: [i, null] },
        ]),
      ),
      order: Array.from({ length: width }, (_, i) => ({ id: `c${i}`, at: i })),
    },
  },
});

test('a snapshot written in lines reads back to the same tree, one line per record', async () => {
  const tree = wide(2000);
  const file = path.join(dir, 'lines.json');
  const text = [...toJsonPieces(tree, true)].join('');
  writeFileSync(file, text);
  expect(JSON.parse(text)).toEqual(tree);
  expect(text.split('\n').length).toBeGreaterThan(4000);
  expect(await readJsonLines(file)).toEqual(tree);
  expect((await readSnapshotFile(file))?.bytes).toBe(Buffer.byteLength(text));
});

test('any JSON tree written in lines reads back the same (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.jsonValue({ maxDepth: 4 }), { minLength: 0, maxLength: 700 }),
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 700 }),
      async (list, map) => {
        const tree = { list, map, nested: { map, list } };
        const read = await readJsonLines(fileWith([...toJsonPieces(tree, true)].join('')));
        expect(read).toEqual(JSON.parse(JSON.stringify(tree)));
      },
    ),
    { seed: 5, numRuns: 25 },
  );
});

test('a __proto__ key in a snapshot is read as an own property, as JSON.parse reads it', async () => {
  const tree = JSON.parse(
    `{"big":{${Array.from({ length: 600 }, (_, i) => `"k${i}":${i}`).join(',')},"__proto__":{"x":1}}}`,
  );
  const read = await readJsonLines(fileWith([...toJsonPieces(tree, true)].join('')));
  const big = (read as { big: Record<string, unknown> }).big;
  expect(Object.hasOwn(big, '__proto__')).toBe(true);
  expect(Object.getPrototypeOf(big)).toBe(Object.prototype);
  expect(JSON.stringify(read)).toBe(JSON.stringify(tree));
});

test('a snapshot on one line (older versions) or pretty-printed by hand still reads', async () => {
  const tree = wide(700);
  await expect(readJsonLines(fileWith(JSON.stringify(tree, null, 2)))).rejects.toThrow();
  expect((await readSnapshotFile(fileWith(JSON.stringify(tree))))?.value).toEqual(tree);
  expect((await readSnapshotFile(fileWith(JSON.stringify(tree, null, 2))))?.value).toEqual(tree);
  expect((await readSnapshotFile(fileWith('null')))?.value).toBeNull();
});

test('a snapshot cut short, or with text after its end, is refused as not valid JSON', async () => {
  const text = [...toJsonPieces(wide(700), true)].join('');
  for (const broken of [
    text.slice(0, text.length / 2),
    text.slice(0, text.lastIndexOf('\n')),
    `${text}\n{}`,
  ]) {
    await expect(readSnapshotFile(fileWith(broken))).rejects.toThrow(/is not valid JSON/);
  }
  expect(await readSnapshotFile(path.join(dir, 'missing.json'))).toBeNull();
});
