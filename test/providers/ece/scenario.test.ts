// The ECE actions driven by the scenario engine (src/scenarios), as a scenario file would.
import { expect, test } from 'vitest';
import { scenarioExtension, toScenarioApi } from '../../../src/scenarios/index.ts';
import { createEceSim, getToken, sendMessage, startOk } from './helpers.ts';

const scenario = `
name: ece refund
provider: ece
steps:
  - agent.join:
  - agent.typing:
  - agent.say: Hello, I am Alice. How can I help?
  - expect.message: { pattern: refund, within: 30s }
  - agent.pagePush: https://shop.example.com/refunds
  - agent.attachment.upload: refund-form.pdf
  - agent.complete:
  - expect.ended: { within: 5s }
`;

test('a scenario plays agent actions on an ECE conversation and sees the customer message', async () => {
  const { sim, messages } = await createEceSim({ extensions: [scenarioExtension()] });
  const scenarios = toScenarioApi(sim);
  const run = scenarios.run(scenarios.load(scenario));
  const token = await getToken(sim);
  const conversation = await startOk(sim, {
    token,
    query: 'anonymousCustomer=yes&sendTypingNotification=yes',
  });
  await sim.control.advance('1s');
  const res = await sendMessage(sim, token, {
    conversation: { id: conversation.id },
    type: { value: 'text/plain' },
    content: 'I would like a refund',
  });
  expect(res.status).toBe(200);
  const report = await scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report.status).toBe('passed');
  await sim.control.idle();
  expect(messages().map((m) => m.type.value)).toEqual([
    'assigned',
    'startTyping',
    'text/plain',
    'pagePush',
    'uploadAttachment',
    'complete',
  ]);
});
