// Replaying the write-ahead log line by line, a megabyte at a time: lines that span reads, characters cut by a
// read, a torn last line, and a damaged line before the end.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { StateOp } from '../../src/state-tx.ts';
import { replaySegments, toLogLine } from '../../src/wal.ts';

const storeFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'convosim-wal-')), 'db.json');

function replay(file: string, from = 1) {
  const applied: StateOp[][] = [];
  const warnings: string[] = [];
  const count = replaySegments(
    file,
    from,
    (m) => warnings.push(m),
    (ops) => applied.push(ops),
  );
  return { applied, warnings, count };
}

test('every line is applied in order, across segments, lines longer than a read and characters cut by one', () => {
  const file = storeFile();
  // 'é' is two bytes in UTF-8: at an odd offset, a megabyte read cuts one of them in half.
  const long: StateOp[] = [[['providers', 'p', 'text'], `x${'é'.repeat(1_500_000)}`]];
  const small: StateOp[] = [[['providers', 'p', 'n'], 1], [['providers', 'p', 'gone']]];
  writeFileSync(`${file}.wal.1`, toLogLine(small) + toLogLine(long) + toLogLine(small));
  writeFileSync(`${file}.wal.2`, toLogLine(long));
  writeFileSync(`${file}.wal.0`, toLogLine([[['providers', 'old'], true]]));
  const { applied, warnings, count } = replay(file);
  expect(warnings).toEqual([]);
  expect(count).toBe(4);
  expect(applied).toEqual([small, long, small, long]);
});

test('a torn last line is skipped with a warning; a damaged line before the end is refused with its number', () => {
  const file = storeFile();
  const ops: StateOp[] = [[['providers', 'p', 'n'], 2]];
  writeFileSync(`${file}.wal.3`, `${toLogLine(ops)}[[["providers","p","n"],`);
  const torn = replay(file, 3);
  expect(torn.applied).toEqual([ops]);
  expect(torn.warnings).toEqual([
    `${file}.wal.3: ignoring a torn last line (the process stopped while writing it).`,
  ]);

  writeFileSync(`${file}.wal.3`, `${toLogLine(ops)}[[["providers"\n${toLogLine(ops)}`);
  expect(() => replay(file, 3)).toThrow(`${file}.wal.3:2 is not a valid log line.`);
  // An empty line before the end is damage too; a file ending with a newline has no torn line.
  writeFileSync(`${file}.wal.3`, `${toLogLine(ops)}\n${toLogLine(ops)}`);
  expect(() => replay(file, 3)).toThrow(`${file}.wal.3:2 is not a valid log line.`);
});
