import { expect, test } from 'vitest';
import { loadConfig } from '../../bench/config.ts';
import { reproduceCommand } from '../../bench/report.ts';

test('a full run is reproduced by npm run bench', () => {
  expect(reproduceCommand(loadConfig([], {}))).toBe('npm run bench');
});

test('a subset run names the BENCH_* choices that made it a subset', () => {
  const config = loadConfig([], {
    BENCH_ROUNDS: '5',
    BENCH_SECTIONS: 'matrix',
    BENCH_STORES: 'file',
    BENCH_ONLY: '^(ece-start|gateway-create)$',
  });
  expect(reproduceCommand(config)).toBe(
    "BENCH_ROUNDS=5 BENCH_SECTIONS=matrix BENCH_STORES=file BENCH_ONLY='^(ece-start|gateway-create)$' npm run bench",
  );
});
