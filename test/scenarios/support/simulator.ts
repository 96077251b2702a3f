import { scenarioExtension, toScenarioApi } from '../../../src/scenarios/index.ts';
import type { Simulator, SimulatorOptions } from '../../../src/simulator.ts';
import { createTestSimulator } from '../../support/simulator.ts';
import { type BotBehaviour, createBot } from './bot.ts';
import { chatProvider } from './chat-provider.ts';

/** A fresh test simulator (virtual clock, memory store, seed 1) with the chat provider, the engine and a bot. */
export async function createScenarioSimulator(
  options: SimulatorOptions & { bot?: BotBehaviour } = {},
): Promise<{
  sim: Simulator;
  bot: ReturnType<typeof createBot>;
  scenarios: ReturnType<typeof toScenarioApi>;
}> {
  const { bot: behaviour, ...rest } = options;
  const bot = createBot(behaviour);
  const sim = await createTestSimulator({
    providers: [chatProvider],
    fixtures: { chat: { webhookUrl: 'http://sut.test/webhooks' } },
    send: bot.send,
    extensions: [scenarioExtension()],
    ...rest,
  });
  bot.attach(sim);
  return { sim, bot, scenarios: toScenarioApi(sim) };
}

/** The SUT starts a chat, in-process; returns the conversation id. */
export async function startChat(sim: Simulator, input: { customer?: string; queue?: string } = {}) {
  const res = await sim.app.request('/chat/v1/conversations', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return ((await res.json()) as { id: string }).id;
}
