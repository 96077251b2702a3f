import { expect, test } from 'vitest';
import { guardScans } from '../support/scan-guard.ts';

test('the scan guard records a scan of a large collection and not a lookup by id', async () => {
  const big: Record<string, { id: string }> = {};
  for (let i = 0; i < 500; i++) big[`c${i}`] = { id: `c${i}` };
  const lookup = await guardScans(100, () => big.c7?.id);
  expect(lookup).toEqual({ result: 'c7', scans: [] });
  const scan = await guardScans(100, () => Object.values(big).find((c) => c.id === 'c7')?.id);
  expect(scan.result).toBe('c7');
  expect(scan.scans.length).toBeGreaterThan(0);
  expect(scan.scans[0]).toMatch(/Object\.values over 500 entries/);
});
