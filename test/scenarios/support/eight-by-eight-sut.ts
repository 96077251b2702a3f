import type { OutboundRequest } from '../../../src/dispatcher.ts';
import { eightByEightProvider } from '../../../src/providers/8x8/index.ts';
import { scenarioExtension, toScenarioApi } from '../../../src/scenarios/index.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { createTestSimulator } from '../../support/simulator.ts';

const GW = '/chat-gateway/v1';

/** One Chat Gateway webhook body as the SUT got it. */
export type GatewayEvent = {
  eventType: string;
  conversationId?: string;
  data?: { sender?: { type?: string }; text?: string; memberType?: string; change?: string };
};

/**
 * An in-process 8x8 Chat Gateway integration (the system under test): it sets up a webhook and a channel,
 * starts conversations for a customer, and answers agent messages with `reply`.
 */
export async function createEightByEightSut(options: { reply?: (text: string) => string | null } = {}) {
  let sim: Simulator | null = null;
  const events: GatewayEvent[] = [];
  const api = async (method: string, path: string, json?: unknown) => {
    const res = await sim!.app.request(`${GW}${path}`, {
      method,
      headers: { 'x-api-key': '8x8-gateway-key', 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };
  const send = async (request: OutboundRequest) => {
    const event = JSON.parse(request.body) as GatewayEvent;
    events.push(event);
    const isAgentMessage = event.eventType === 'MESSAGE' && event.data?.sender?.type === 'agent';
    const answer = isAgentMessage && options.reply ? options.reply(event.data?.text ?? '') : null;
    if (answer !== null && event.conversationId) {
      await api('POST', `/conversations/${event.conversationId}/messages`, {
        authorType: 'user',
        text: answer,
      });
    }
    return { status: 200, body: '' };
  };
  sim = await createTestSimulator({
    providers: [eightByEightProvider],
    defaultFixtures: true,
    fixtures: {},
    send,
    extensions: [scenarioExtension()],
  });
  const hook = await api('POST', '/webhooks', {
    name: 'sut',
    uri: 'http://sut.test/8x8',
    version: 'Chat Gateway v1.0',
  });
  const channel = await api('POST', '/channels', {
    name: 'web',
    type: 'ChatAPI',
    webHookId: hook.json!.id,
    routingOptions: { type: 'queue', id: '100' },
  });
  const channelId = channel.json!.id as string;
  return {
    sim,
    scenarios: toScenarioApi(sim),
    events,
    api,
    /** Starts a conversation for a customer, as the integration would. */
    start: async () => {
      const answer = await api('POST', '/conversations', {
        channelId,
        user: { name: 'Ada Lovelace', email: 'ada@example.com' },
      });
      return answer.json!.conversationId as string;
    },
  };
}
