import type { OutboundRequest } from '../../../src/dispatcher.ts';
import { airkitProvider } from '../../../src/providers/airkit/index.ts';
import { chatwootProvider } from '../../../src/providers/chatwoot/index.ts';
import { scenarioExtension, toScenarioApi } from '../../../src/scenarios/index.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { createTestSimulator } from '../../support/simulator.ts';

/** What the FAQ bot says to a customer text, and whether it then closes the conversation. */
export function answerFaq(text: string): { reply: string | null; close: boolean } {
  if (/hours/i.test(text)) return { reply: 'We are open from 9am to 5pm, Monday to Friday.', close: false };
  if (/that's all/i.test(text)) return { reply: 'Glad I could help. Goodbye!', close: true };
  return { reply: null, close: false };
}

type Request = (method: string, path: string, body?: unknown) => Promise<Response>;

function createRequester(getSim: () => Simulator, headers: Record<string, string>): Request {
  return (method, path, body) =>
    Promise.resolve(
      getSim().app.request(path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
}

/** A Chatwoot agent bot (the SUT) on the API inbox: answers incoming messages and resolves when done. */
export async function createChatwootBot(options: { answer?: typeof answerFaq } = {}) {
  const answer = options.answer ?? answerFaq;
  let sim: Simulator | null = null;
  const asBot = createRequester(() => sim!, { api_access_token: 'chatwoot-bot-token' });
  const asAgent = createRequester(() => sim!, { api_access_token: 'chatwoot-token' });
  const events: Record<string, unknown>[] = [];
  const send = async (request: OutboundRequest) => {
    const event = JSON.parse(request.body) as {
      event: string;
      message_type?: string;
      content?: string;
      account?: { id: number };
      conversation?: { id?: number; display_id?: number };
    };
    events.push(event);
    if (event.event === 'message_created' && event.message_type === 'incoming' && event.content) {
      const base = `/api/v1/accounts/${event.account?.id}/conversations/${event.conversation?.display_id ?? event.conversation?.id}`;
      const { reply, close } = answer(event.content);
      if (reply) await asBot('POST', `${base}/messages`, { content: reply, message_type: 'outgoing' });
      if (close) await asBot('POST', `${base}/toggle_status`, { status: 'resolved' });
    }
    return { status: 200, body: '' };
  };
  sim = await createTestSimulator({
    providers: [chatwootProvider],
    defaultFixtures: true,
    fixtures: {
      chatwoot: {
        inboxes: [
          {
            id: 1,
            account_id: 1,
            name: 'API Inbox',
            channel_type: 'Channel::Api',
            webhook_url: 'http://sut.test/chatwoot',
            secret: 'api-inbox-secret',
            member_ids: [1, 2],
          },
        ],
      },
    },
    send,
    extensions: [scenarioExtension()],
  });
  return {
    sim,
    scenarios: toScenarioApi(sim),
    events,
    /** The website starts a conversation for the fixture contact on the API inbox. */
    start: async () => {
      const res = await asAgent('POST', '/api/v1/accounts/1/conversations', {
        source_id: 'contact-source-1',
        inbox_id: 1,
      });
      return (await res.json()) as { id: number };
    },
  };
}

/** An Airkit third-party bot (the SUT): starts conversations, greets, answers and ends them. */
export async function createAirkitBot(options: { answer?: typeof answerFaq } = {}) {
  const answer = options.answer ?? answerFaq;
  let sim: Simulator | null = null;
  const api = createRequester(() => sim!, { authorization: 'Bearer airkit-token' });
  const events: Record<string, unknown>[] = [];
  const send = async (request: OutboundRequest) => {
    const event = JSON.parse(request.body) as {
      type: string;
      conversation: { id: string };
      message?: { text: string };
    };
    events.push(event);
    const base = `/airkit/v1/conversations/${event.conversation.id}`;
    if (event.type === 'conversation.started') {
      await api('POST', `${base}/messages`, { text: 'Hi! I am the Acme bot. How can I help you today?' });
    }
    if (event.type === 'message.created' && event.message) {
      const { reply, close } = answer(event.message.text);
      if (reply) await api('POST', `${base}/messages`, { text: reply });
      if (close) await api('POST', `${base}/end`);
    }
    return { status: 200, body: '' };
  };
  sim = await createTestSimulator({
    providers: [airkitProvider],
    defaultFixtures: true,
    fixtures: {
      airkit: {
        resources: [
          {
            id: 'hub-default',
            name: 'Default',
            hubId: 'hub-main',
            channel: 'chat',
            webhookUrl: 'http://sut.test/airkit',
            secret: 'airkit-webhook-secret',
          },
        ],
      },
    },
    send,
    extensions: [scenarioExtension()],
  });
  return {
    sim,
    scenarios: toScenarioApi(sim),
    events,
    /** The bot starts a conversation with a web chat session. */
    start: async () => {
      const res = await api('POST', '/airkit/v1/conversations', {
        conversationHubChannelResource: 'hub-default',
        customerDestination: 'session-1',
      });
      return (await res.json()) as { id: string };
    },
  };
}
