// Two test bots (systems under test) as real receivers on 127.0.0.1: a well-behaved one, and a naive one with the
// flaws the chaos scenarios exist to catch. Each answers every agent text with "Re: <text>".
import { createPublicKey } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { toPublicJwk } from '../../../src/providers/8x8/events-signing.ts';
import { eightByEightProvider } from '../../../src/providers/8x8/index.ts';
import { airkitProvider } from '../../../src/providers/airkit/index.ts';
import { chatwootProvider } from '../../../src/providers/chatwoot/index.ts';
import { eceProvider } from '../../../src/providers/ece/index.ts';
import { scenarioExtension, toScenarioApi } from '../../../src/scenarios/index.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { createTestSimulator } from '../../support/simulator.ts';
import { isValid8x8Jws, isValidHmac } from './verify.ts';

/** The flaws of a naive bot; a well-behaved bot has none. */
export type BotFlaws = {
  /** Answers an event again when it arrives twice (no dedupe by event id). */
  answersDuplicates?: boolean;
  /** Acts on a webhook whose signature does not verify. */
  skipsSignatureCheck?: boolean;
  /** Ignores agent texts until it has seen the agent join. */
  needsJoinFirst?: boolean;
  /** Ignores events sent more than 30 s after they happened (as after an outage). */
  dropsLateEvents?: boolean;
};

/** Every flaw at once. */
export const NAIVE: BotFlaws = {
  answersDuplicates: true,
  skipsSignatureCheck: true,
  needsJoinFirst: true,
  dropsLateEvents: true,
};

/** One webhook as the bot understands it. */
type Incoming = {
  /** The id a careful receiver dedupes by. */
  eventId: string;
  kind: 'text' | 'joined' | 'start' | 'other';
  text: string;
  conversation: string;
  /** When it happened and when it was sent, in ms (null when the provider does not say). */
  happenedAt: number | null;
  sentAt: number | null;
};

type Request = { headers: Record<string, string>; body: string };

/** How a bot reads and answers one provider's webhooks. */
type Adapter = {
  read(request: Request): Incoming[];
  /** True when the signature verifies; null when the provider does not sign. */
  verify(request: Request): boolean | null;
  reply(conversation: string, text: string): unknown;
  /** Sends the first message, where the provider waits for one. */
  greet?(conversation: string): unknown;
};

const servers: { close(): void; closeAllConnections(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.close();
    server.closeAllConnections();
  }
});

// The bot: answers 401 to a bad signature, dedupes by event id, answers after its reply is posted (so the
// simulator's idle() covers the reply).
async function startBot(adapter: () => Adapter, flaws: BotFlaws): Promise<string> {
  const seen = new Set<string>();
  const joined = new Set<string>();
  const handle = async (request: Request): Promise<number> => {
    if (!flaws.skipsSignatureCheck && adapter().verify(request) === false) return 401;
    for (const event of adapter().read(request)) {
      if (!flaws.answersDuplicates && seen.has(event.eventId)) continue;
      seen.add(event.eventId);
      if (event.kind === 'joined') joined.add(event.conversation);
      if (event.kind === 'start') await adapter().greet?.(event.conversation);
      if (event.kind !== 'text') continue;
      if (flaws.needsJoinFirst && !joined.has(event.conversation)) continue;
      const late =
        event.happenedAt !== null && event.sentAt !== null && event.sentAt - event.happenedAt > 30_000;
      if (flaws.dropsLateEvents && late) continue;
      await adapter().reply(event.conversation, `Re: ${event.text}`);
    }
    return 200;
  };
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = String(value);
    res.statusCode = await handle({ headers, body: Buffer.concat(chunks).toString('utf8') }).catch(() => 500);
    res.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const call = (
  sim: Simulator,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
) =>
  sim.app.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A bot on the 8x8 Chat Gateway: relays agent MESSAGEs, verifies the JWS, dedupes by x-8x8-event-id. */
export async function createEightByEightBot(flaws: BotFlaws = {}) {
  let sim: Simulator | null = null;
  let publicKey: ReturnType<typeof createPublicKey> | null = null;
  const gw = (method: string, path: string, body?: unknown) =>
    call(sim!, method, `/chat-gateway/v1${path}`, { 'x-api-key': '8x8-gateway-key' }, body);
  const url = await startBot(
    () => ({
      read(request) {
        const body = JSON.parse(request.body) as {
          eventType: string;
          conversationId?: string;
          timestamp?: number;
          data?: { sender?: { type?: string }; text?: string; memberType?: string; change?: string };
        };
        const kind =
          body.eventType === 'MESSAGE' && body.data?.sender?.type === 'agent'
            ? 'text'
            : body.eventType === 'MEMBERS_CHANGED' &&
                body.data?.memberType === 'agent' &&
                body.data.change === 'joined'
              ? 'joined'
              : 'other';
        return [
          {
            eventId: request.headers['x-8x8-event-id'] ?? '',
            kind,
            text: body.data?.text ?? '',
            conversation: body.conversationId ?? '',
            happenedAt: body.timestamp ?? null,
            sentAt: Number(request.headers['x-8x8-transmission-time']),
          },
        ];
      },
      verify: (request) => isValid8x8Jws(publicKey!, request),
      reply: (conversation, text) =>
        gw('POST', `/conversations/${conversation}/messages`, { authorType: 'user', text }),
    }),
    flaws,
  );
  sim = await createTestSimulator({
    providers: [eightByEightProvider],
    defaultFixtures: true,
    fixtures: {},
    extensions: [scenarioExtension()],
  });
  const state = sim.control.state('8x8') as {
    signingKey: { kid: string; privateJwk: Record<string, string> };
  };
  publicKey = createPublicKey({ key: toPublicJwk(state.signingKey), format: 'jwk' });
  const hook = (await (
    await gw('POST', '/webhooks', { name: 'bot', uri: `${url}/8x8`, version: 'Chat Gateway v1.0' })
  ).json()) as { id: string };
  const channel = (await (
    await gw('POST', '/channels', {
      name: 'web',
      type: 'ChatAPI',
      webHookId: hook.id,
      routingOptions: { type: 'queue', id: '100' },
    })
  ).json()) as { id: string };
  return {
    sim,
    scenarios: toScenarioApi(sim),
    start: async () => {
      const res = await gw('POST', '/conversations', {
        channelId: channel.id,
        user: { name: 'Ada', email: 'ada@example.com' },
      });
      return ((await res.json()) as { conversationId: string }).conversationId;
    },
  };
}

/** A Chatwoot agent bot on the API inbox: answers incoming messages, verifies the HMAC, dedupes by X-Chatwoot-Delivery. */
export async function createChatwootBot(flaws: BotFlaws = {}) {
  let sim: Simulator | null = null;
  const url = await startBot(
    () => ({
      read(request) {
        const body = JSON.parse(request.body) as {
          event: string;
          message_type?: string;
          content?: string;
          created_at?: string | number;
          account?: { id: number };
          conversation?: { id?: number; display_id?: number };
        };
        const display = body.conversation?.display_id ?? body.conversation?.id;
        const created = typeof body.created_at === 'string' ? Date.parse(body.created_at) : null;
        return [
          {
            eventId: request.headers['x-chatwoot-delivery'] ?? '',
            kind: body.event === 'message_created' && body.message_type === 'incoming' ? 'text' : 'other',
            text: body.content ?? '',
            conversation: `/api/v1/accounts/${body.account?.id}/conversations/${display}`,
            happenedAt: created,
            sentAt: Number(request.headers['x-chatwoot-timestamp']) * 1000,
          },
        ];
      },
      verify: (request) => isValidHmac('api-inbox-secret', 'chatwoot', request),
      reply: (conversation, text) =>
        call(
          sim!,
          'POST',
          `${conversation}/messages`,
          { api_access_token: 'chatwoot-bot-token' },
          {
            content: text,
            message_type: 'outgoing',
          },
        ),
    }),
    flaws,
  );
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
            webhook_url: `${url}/chatwoot`,
            secret: 'api-inbox-secret',
            member_ids: [1, 2],
          },
        ],
      },
    },
    extensions: [scenarioExtension()],
  });
  return {
    sim,
    scenarios: toScenarioApi(sim),
    start: async () => {
      const res = await call(
        sim!,
        'POST',
        '/api/v1/accounts/1/conversations',
        { api_access_token: 'chatwoot-token' },
        {
          source_id: 'contact-source-1',
          inbox_id: 1,
        },
      );
      return ((await res.json()) as { id: number }).id;
    },
  };
}

/** An Airkit third-party bot: answers the end user, verifies the HMAC, dedupes by X-Airkit-Event-Id. */
export async function createAirkitBot(flaws: BotFlaws = {}) {
  let sim: Simulator | null = null;
  const url = await startBot(
    () => ({
      read(request) {
        const body = JSON.parse(request.body) as {
          type: string;
          occurredAt?: string;
          conversation: { id: string };
          message?: { text?: string };
        };
        return [
          {
            eventId: request.headers['x-airkit-event-id'] ?? '',
            kind:
              body.type === 'message.created'
                ? 'text'
                : body.type === 'conversation.started'
                  ? 'start'
                  : 'other',
            text: body.message?.text ?? '',
            conversation: body.conversation.id,
            happenedAt: body.occurredAt ? Date.parse(body.occurredAt) : null,
            sentAt: Number(request.headers['x-airkit-timestamp']) * 1000,
          },
        ];
      },
      verify: (request) => isValidHmac('airkit-webhook-secret', 'airkit', request),
      reply: (conversation, text) =>
        call(
          sim!,
          'POST',
          `/airkit/v1/conversations/${conversation}/messages`,
          { authorization: 'Bearer airkit-token' },
          { text },
        ),
      greet: (conversation) =>
        call(
          sim!,
          'POST',
          `/airkit/v1/conversations/${conversation}/messages`,
          { authorization: 'Bearer airkit-token' },
          { text: 'Hi! How can I help?' },
        ),
    }),
    flaws,
  );
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
            webhookUrl: `${url}/airkit`,
            secret: 'airkit-webhook-secret',
          },
        ],
      },
    },
    extensions: [scenarioExtension()],
  });
  return {
    sim,
    scenarios: toScenarioApi(sim),
    start: async () => {
      const res = await call(
        sim!,
        'POST',
        '/airkit/v1/conversations',
        { authorization: 'Bearer airkit-token' },
        {
          conversationHubChannelResource: 'hub-default',
          customerDestination: 'session-1',
        },
      );
      return ((await res.json()) as { id: string }).id;
    },
  };
}

/** An ECE client application: relays agent texts, dedupes by message id; ECE does not sign its callbacks. */
export async function createEceBot(flaws: BotFlaws = {}) {
  let sim: Simulator | null = null;
  let token = '';
  const base = '/system/ws/v19/clientapplications';
  const url = await startBot(
    () => ({
      read(request) {
        const body = JSON.parse(request.body) as {
          message: {
            id: string;
            conversation: { id: string };
            type: { value: string };
            content?: string;
            timeStamp?: number;
          }[];
        };
        return body.message.map((m) => ({
          eventId: m.id,
          kind: m.type.value === 'text/plain' ? 'text' : m.type.value === 'assigned' ? 'joined' : 'other',
          text: m.content ?? '',
          conversation: m.conversation.id,
          happenedAt: m.timeStamp ?? null,
          // ECE sends no transmission time: the client application's own clock (the simulator's) stands for it.
          sentAt: sim!.control.now(),
        }));
      },
      verify: () => null,
      reply: (conversation, text) =>
        call(
          sim!,
          'POST',
          `${base}/messaging/sendmessage`,
          { authorization: `Bearer ${token}`, accept: 'application/json' },
          {
            conversation: { id: conversation },
            type: { value: 'text/plain' },
            content: text,
          },
        ),
    }),
    flaws,
  );
  sim = await createTestSimulator({
    providers: [eceProvider],
    defaultFixtures: true,
    fixtures: {},
    providerOptions: { ece: { callbackUrl: `${url}/ece` } },
    extensions: [scenarioExtension()],
  });
  const basic = Buffer.from('ece-chat-key:ece-chat-secret').toString('base64');
  const auth = await call(
    sim,
    'POST',
    `${base}/authentication/oauth2/token`,
    { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    'grant_type=client_credentials',
  );
  token = ((await auth.json()) as { access_token: string }).access_token;
  return {
    sim,
    scenarios: toScenarioApi(sim),
    start: () =>
      call(
        sim!,
        'POST',
        `${base}/messaging/conversation/start?anonymousCustomer=yes`,
        { authorization: `Bearer ${token}`, accept: 'application/json' },
        {
          entryPointConfiguration: {
            entryPoint: { id: 1001 },
            lastModified: { date: '2024-11-05T09:30:00.000Z' },
          },
        },
      ),
  };
}
