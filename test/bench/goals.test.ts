import { expect, test } from 'vitest';
import { loadConfig } from '../../bench/config.ts';
import { ENDPOINTS } from '../../bench/endpoints.ts';
import { evaluateGoals } from '../../bench/goals.ts';
import type { LoadResult } from '../../bench/load.ts';
import type { Cell } from '../../bench/matrix.ts';
import { type BenchResults, median } from '../../bench/measures.ts';

const gateway = ENDPOINTS.find((e) => e.id === 'gateway-create')!;

/** A run of `rps` 2xx/s between bare runs of 10,000 req/s: its ratio is rps / 10,000. */
function cell(round: number, rps: number, series = [rps, rps]): Cell {
  const load = (n: number) => ({ rps: n, series, seconds: series.length }) as LoadResult;
  return {
    endpoint: gateway,
    store: 'file',
    connections: 10,
    round,
    load: load(rps),
    bare: load(10_000),
    bareAfter: load(10_000),
    stderr: [],
  };
}

function goalsOf(cells: Cell[], rounds: number) {
  const results: BenchResults = {
    config: loadConfig([], { BENCH_ROUNDS: String(rounds), BENCH_CONNECTIONS: '10', BENCH_STORES: 'file' }),
    startedAt: new Date(0),
    totalSeconds: 0,
    machine: { cores: 2, cpu: 'test', node: 'test', loadStart: [], loadEnd: [] },
    cells,
    scale: [],
    endpoints: [gateway],
  };
  const goals = evaluateGoals(results);
  return {
    stall: goals.find((g) => g.goal.startsWith('No stall'))!,
    gateway: goals.find((g) => g.goal.startsWith(`${gateway.title} without webhooks`))!,
  };
}

test('the median of an odd count is its middle value, of an even count the mean of the two middle ones', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([])).toBeNull();
});

test('with several rounds, a ratio goal reads the median round of each row, and shows every round', () => {
  const { gateway: goal } = goalsOf([cell(1, 1_500), cell(2, 2_300), cell(3, 2_100)], 3);
  expect(goal.measured).toBe('file c10 0.21 (0.15, 0.23, 0.21) (worst 0.21)');
  expect(goal.pass).toBe(true);
  expect(goalsOf([cell(1, 1_500), cell(2, 2_300), cell(3, 1_900)], 3).gateway.pass).toBe(false);
});

test('with several rounds, a row stalls only when most of its rounds stall', () => {
  const dip = [2_000, 2_000, 1_000];
  const once = goalsOf([cell(1, 2_000, dip), cell(2, 2_000), cell(3, 2_000)], 3).stall;
  expect(once.pass).toBe(true);
  expect(once.measured).toMatch(/^0 of 1 rows stall; 1 of 3 runs dipped: .*round 1 2000 → 1000$/);
  const twice = goalsOf([cell(1, 2_000, dip), cell(2, 2_000), cell(3, 2_000, dip)], 3).stall;
  expect(twice.pass).toBe(false);
});

test('with one round, every stalled run fails the goal, as before rounds', () => {
  const { stall, gateway: goal } = goalsOf([cell(1, 2_000, [2_000, 1_000])], 1);
  expect(stall.pass).toBe(false);
  expect(stall.measured).toBe('1 of 1 stall: Chat Gateway create conversation (file, 10 conn.) 2000 → 1000');
  expect(goal.measured).toBe('file c10 0.20 (worst 0.20)');
});
