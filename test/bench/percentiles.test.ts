import { expect, test } from 'vitest';
import { type LoadResult, medianByP99, toPercentiles } from '../../bench/load.ts';

test('latency percentiles are exact nearest ranks over every duration, with fractions of a millisecond', () => {
  const durations = Array.from({ length: 200 }, (_, i) => (200 - i) / 10); // 20.0 down to 0.1 ms, unsorted
  expect(toPercentiles(durations, { p50: 0, p99: 0, max: 0 })).toEqual({ p50: 10, p99: 19.8, max: 20 });
});

test("with no answer at all, the percentiles are autocannon's own", () => {
  expect(toPercentiles([], { p50: 1, p99: 2, max: 3 })).toEqual({ p50: 1, p99: 2, max: 3 });
});

test('of repeated loads, the one with the median p99 is kept, so one load slowed by the machine does not decide', () => {
  const load = (p99: number) => ({ p99 }) as LoadResult;
  const loads = [load(4.1), load(28.2), load(3.9)];
  expect(medianByP99(loads)).toBe(loads[0]);
  expect(medianByP99([load(5), load(1)]).p99).toBe(5);
  expect(medianByP99([loads[1]!])).toBe(loads[1]);
});
