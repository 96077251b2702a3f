// The shipped Chatwoot, Airkit and ECE chaos scenarios, against a well-behaved bot (passes) and a naive one
// (fails, saying why).
import { expect, test } from 'vitest';
import { type BotFlaws, createAirkitBot, createChatwootBot, createEceBot, NAIVE } from './support/bots.ts';

const BOTS = { chatwoot: createChatwootBot, airkit: createAirkitBot, ece: createEceBot };
type Name = keyof typeof BOTS;

async function play(provider: Name, name: string, flaws: BotFlaws = {}) {
  const bot = await BOTS[provider](flaws);
  const run = bot.scenarios.run(bot.scenarios.loadFile(`fixtures/scenarios/${provider}-chaos-${name}.yaml`));
  await bot.start();
  const report = await bot.scenarios.drive(run);
  return { report, failed: report.steps.find((s) => s.status === 'failed') ?? null };
}

const CASES: { provider: Name; name: string; flaw: BotFlaws; message: RegExp }[] = [
  {
    provider: 'chatwoot',
    name: 'duplicate-text',
    flaw: { answersDuplicates: true },
    message: /exactly 1 message\(s\).*; 2 arrived/,
  },
  {
    provider: 'chatwoot',
    name: 'bad-signature',
    flaw: { skipsSignatureCheck: true },
    message: /answered 401|expected no request/,
  },
  {
    provider: 'chatwoot',
    name: 'burst',
    flaw: { dropsLateEvents: true },
    message: /expected messages matching/,
  },
  {
    provider: 'airkit',
    name: 'duplicate-text',
    flaw: { answersDuplicates: true },
    message: /exactly 1 message\(s\).*; 2 arrived/,
  },
  {
    provider: 'airkit',
    name: 'bad-signature',
    flaw: { skipsSignatureCheck: true },
    message: /answered 401|expected no request/,
  },
  {
    provider: 'airkit',
    name: 'burst',
    flaw: { dropsLateEvents: true },
    message: /expected messages matching/,
  },
  {
    provider: 'ece',
    name: 'duplicate-text',
    flaw: { answersDuplicates: true },
    message: /exactly 1 message\(s\).*; 2 arrived/,
  },
  { provider: 'ece', name: 'burst', flaw: { dropsLateEvents: true }, message: /expected messages matching/ },
];

test.each(CASES)(
  '$provider chaos scenario $name passes against a well-behaved bot',
  async ({ provider, name }) => {
    const { report, failed } = await play(provider, name);
    expect(failed?.message ?? report.error).toBeNull();
    expect(report.status).toBe('passed');
  },
);

test.each(CASES)(
  '$provider chaos scenario $name fails against a naive bot with a clear report',
  async ({ provider, name, flaw, message }) => {
    const { report, failed } = await play(provider, name, flaw);
    expect(report.status).toBe('failed');
    expect(failed?.message).toMatch(message);
    expect((await play(provider, name, NAIVE)).report.status).toBe('failed');
  },
);
