// The shipped 8x8 chaos scenarios, against a well-behaved bot (passes) and a naive one (fails, saying why).
import { expect, test } from 'vitest';
import { createEightByEightBot, NAIVE } from './support/bots.ts';

const file = (name: string) => `fixtures/scenarios/8x8-chaos-${name}.yaml`;

async function play(name: string, flaws = {}) {
  const bot = await createEightByEightBot(flaws);
  const run = bot.scenarios.run(bot.scenarios.loadFile(file(name)));
  await bot.start();
  return await bot.scenarios.drive(run);
}

const failure = (report: Awaited<ReturnType<typeof play>>) => report.steps.find((s) => s.status === 'failed');

test.each(['duplicate-text', 'joined-after-text', 'bad-signature', 'burst'])(
  '8x8 chaos scenario %s passes against a well-behaved bot',
  async (name) => {
    const report = await play(name);
    expect(report.error).toBeNull();
    expect(report.status).toBe('passed');
  },
);

test('8x8 duplicate TEXT fails against a bot that answers duplicates, counting two answers', async () => {
  const report = await play('duplicate-text', { answersDuplicates: true });
  expect(report.status).toBe('failed');
  expect(failure(report)?.message).toMatch(/expected exactly 1 message\(s\) matching .*; 2 arrived/);
});

test('8x8 AGENT_JOINED after TEXT fails against a bot that ignores texts before the join', async () => {
  const report = await play('joined-after-text', { needsJoinFirst: true });
  expect(report.status).toBe('failed');
  expect(failure(report)?.verb).toBe('expect.message');
});

test('8x8 bad signature fails against a bot that skips the signature check', async () => {
  const report = await play('bad-signature', NAIVE);
  expect(report.status).toBe('failed');
  expect(failure(report)?.message).toMatch(/corruptSignature|expected no request/);
});

test('8x8 burst after outage fails against a bot that drops late events', async () => {
  const report = await play('burst', { dropsLateEvents: true });
  expect(report.status).toBe('failed');
  expect(failure(report)?.message).toMatch(/expected messages matching \/Re: First\/, then/);
});
