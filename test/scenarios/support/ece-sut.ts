import type { OutboundRequest } from '../../../src/dispatcher.ts';
import { eceProvider } from '../../../src/providers/ece/index.ts';
import { scenarioExtension, toScenarioApi } from '../../../src/scenarios/index.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { createTestSimulator } from '../../support/simulator.ts';

const BASE = '/system/ws/v19/clientapplications';

/** One ECE callback message as the SUT got it. */
export type EceCallback = { conversation: { id: string }; type: { value: string }; content?: string };

/**
 * An in-process ECE client application (the system under test): it starts chats, answers agent messages
 * with `reply`, and answers callbacks with `status`.
 */
export async function createEceSut(
  options: { status?: number; reply?: (text: string) => string | null } = {},
) {
  let sim: Simulator | null = null;
  let token = '';
  const callbacks: EceCallback[] = [];
  const call = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    sim!.app.request(`${BASE}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const send = async (request: OutboundRequest) => {
    const messages = (JSON.parse(request.body) as { message: EceCallback[] }).message;
    callbacks.push(...messages);
    for (const message of messages) {
      const answer =
        message.type.value === 'text/plain' && options.reply ? options.reply(message.content ?? '') : null;
      if (answer !== null) {
        await call(
          '/messaging/sendmessage',
          { conversation: message.conversation, type: { value: 'text/plain' }, content: answer },
          { authorization: `Bearer ${token}` },
        );
      }
    }
    return { status: options.status ?? 200, body: '' };
  };
  sim = await createTestSimulator({
    providers: [eceProvider],
    defaultFixtures: true,
    fixtures: {},
    providerOptions: { ece: { callbackUrl: 'http://sut.test/ece' } },
    send,
    extensions: [scenarioExtension()],
  });
  const basic = Buffer.from('ece-chat-key:ece-chat-secret').toString('base64');
  const auth = await call('/authentication/oauth2/token', 'grant_type=client_credentials', {
    authorization: `Basic ${basic}`,
    'content-type': 'application/x-www-form-urlencoded',
  });
  token = ((await auth.json()) as { access_token: string }).access_token;
  return {
    sim,
    scenarios: toScenarioApi(sim),
    callbacks,
    /** Starts a chat on an entry point, as the client application would. */
    start: (entryPoint = 1001) =>
      call(
        '/messaging/conversation/start?anonymousCustomer=yes',
        {
          entryPointConfiguration: {
            entryPoint: { id: entryPoint },
            lastModified: { date: '2024-11-05T09:30:00.000Z' },
          },
        },
        { authorization: `Bearer ${token}` },
      ),
  };
}
