// Two test bots (systems under test) as real receivers on 127.0.0.1: a well-behaved one, and a naive one with the
// flaws the chaos scenarios exist to catch. Each answers every agent text with "Re: <text>".
import { createHmac, createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { toPublicJwk, toSignedPayload } from '../../../src/providers/8x8/events-signing.ts';
import { eightByEightProvider } from '../../../src/providers/8x8/index.ts';
import { airkitProvider } from '../../../src/providers/airkit/index.ts';
import { chatwootProvider } from '../../../src/providers/chatwoot/index.ts';
import { eceProvider } from '../../../src/providers/ece/index.ts';
import { scenarioExtension, toScenarioApi } from '../../../src/scenarios/index.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { createTestSimulator } from '../../support/simulator.ts';

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
  kind: 'text' | 'joined' | 'other';
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

const hmacValid = (secret: string, prefix: string, request: Request) => {
  const timestamp = request.headers[`x-${prefix}-timestamp`];
  const signature = request.headers[`x-${prefix}-signature`];
  if (timestamp === undefined || signature === undefined) return false;
  const digest = createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex');
  return signature === `sha256=${digest}`;
};

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
      verify(request) {
        const h = request.headers;
        const [header, , signature] = (h['x-8x8-signature'] ?? '').split('.');
        if (!header || !signature) return false;
        const payload = toSignedPayload(request.body, {
          cid: h['x-8x8-customer-id'] ?? '',
          eid: h['x-8x8-event-id'] ?? '',
          retry: Number(h['x-8x8-retry']),
          tid: h['x-8x8-tenant-id'] ?? '',
          tt: Number(h['x-8x8-transmission-time']),
        });
        return verify(
          'sha256',
          Buffer.from(`${header}.${payload}`),
          publicKey!,
          Buffer.from(signature, 'base64url'),
        );
      },
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
