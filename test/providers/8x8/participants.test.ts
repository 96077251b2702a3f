// GET …/participants in both APIs: "Retrieves all the participants that joined during the lifespan of the
// conversation" (both OpenAPI files). The v2 file types `participants` as one object; the simulator answers a list
// (the evidence is in docs/providers/8x8.md, spec defects), which openapi.ts validates item by item.
import { expect, test } from 'vitest';
import {
  createEightByEightSim,
  gatewayClient,
  getToken,
  setUpGatewayChannel,
  setUpV2Channel,
  v2Client,
} from './helpers.ts';

test('getparticipantsforcctransaction lists the customer, the bot and every agent that joined, also after they left', async () => {
  const { sim } = await createEightByEightSim();
  const api = v2Client(sim, await getToken(sim));
  const channelId = await setUpV2Channel(api);
  const created = await api('POST', '/conversations', {
    channelId,
    customer: { name: 'J', customerId: 'c-1', language: 'de' },
    history: { messages: [{ text: 'Hello', type: 'bot' }] },
  });
  const id = created.json.conversationId as string;
  await sim.control.advance('2s');
  const act = (action: string, args: Record<string, unknown> = {}) =>
    sim.control.act({ provider: '8x8', conversationId: id, action, args });
  await act('agent.transfer', { agentId: 'agent-ben' });
  await act('agent.leave');
  expect((await api('DELETE', `/conversations/${id}/participants/customer`)).status).toBe(204);
  const answer = await api('GET', `/conversations/${id}/participants`);
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({
    participants: [
      { id: 'c-1', type: 'user', language: 'de' },
      { id: 'bot', type: 'bot', language: 'de' },
      { id: 'agent-ana', type: 'agent', language: 'en' },
      { id: 'agent-ben', type: 'agent', language: 'en' },
    ],
  });
});

test('getparticipantsforcctransaction-1 lists the bot once it wrote, with removed false', async () => {
  const { sim } = await createEightByEightSim();
  const api = gatewayClient(sim);
  const channelId = await setUpGatewayChannel(api);
  const created = await api('POST', '/conversations', { channelId, user: { name: 'J', userId: 'u-1' } });
  const id = created.json.conversationId as string;
  const before = await api('GET', `/conversations/${id}/participants`);
  expect(before.json._embedded.participants).toEqual([
    { id: 'u-1', removed: false, type: 'user', language: 'en' },
  ]);
  expect((await api('POST', `/conversations/${id}/messages`, { authorType: 'bot', text: 'Hi' })).status).toBe(
    202,
  );
  const after = await api('GET', `/conversations/${id}/participants`);
  expect(after.json._embedded.participants).toEqual([
    { id: 'u-1', removed: false, type: 'user', language: 'en' },
    { id: 'bot', removed: false, type: 'bot', language: 'en' },
  ]);
});
