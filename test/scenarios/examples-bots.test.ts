// The shipped bot scenarios for the Chatwoot-compatible API and Airkit, each against an in-process bot.
import { expect, test } from 'vitest';
import { createAirkitBot, createChatwootBot } from './support/bot-suts.ts';

const file = (name: string) => `fixtures/scenarios/${name}.yaml`;

test('chatwoot: the bot answers the question and resolves the conversation', async () => {
  const bot = await createChatwootBot();
  const run = bot.scenarios.run(bot.scenarios.loadFile(file('chatwoot-bot-resolves')));
  await bot.start();
  const report = await bot.scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report.status).toBe('passed');
});

test('chatwoot: a bot that never resolves fails the scenario at the toggle_status expectation', async () => {
  const bot = await createChatwootBot({
    answer: (text) => ({ reply: /hours/.test(text) ? 'From 9am.' : null, close: false }),
  });
  const run = bot.scenarios.run(bot.scenarios.loadFile(file('chatwoot-bot-resolves')));
  await bot.start();
  const report = await bot.scenarios.drive(run);
  expect(report.status).toBe('failed');
  expect(report.steps.find((s) => s.status === 'failed')?.message).toMatch(
    /chatwoot-bot-resolves\.yaml:\d+ steps\[3\] \(expect\.request\)/,
  );
});

test('airkit: the third-party bot greets, answers and ends the conversation', async () => {
  const bot = await createAirkitBot();
  const run = bot.scenarios.run(bot.scenarios.loadFile(file('airkit-bot-resolves')));
  const conversation = await bot.start();
  const report = await bot.scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report).toMatchObject({ status: 'passed', conversationId: conversation.id });
});

test('airkit: a bot that answers wrongly fails with a diff of the message', async () => {
  const bot = await createAirkitBot({ answer: () => ({ reply: 'I do not know.', close: false }) });
  const run = bot.scenarios.run(bot.scenarios.loadFile(file('airkit-bot-resolves')));
  await bot.start();
  const report = await bot.scenarios.drive(run);
  expect(report.status).toBe('failed');
  const failed = report.steps.find((s) => s.status === 'failed')!;
  expect(failed.verb).toBe('expect.message');
  expect(failed.diff).toContain('- /9am/');
});
