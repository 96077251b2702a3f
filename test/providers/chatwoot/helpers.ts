import type { ProviderContext } from '../../../src/provider/contract.ts';
import { chatwootProvider } from '../../../src/providers/chatwoot/index.ts';
import type { ChatwootState } from '../../../src/providers/chatwoot/model.ts';
import type { Simulator, SimulatorOptions } from '../../../src/simulator.ts';
import { createRecordingSender } from '../../support/recording-sender.ts';
import { createTestSimulator } from '../../support/simulator.ts';

/** A parsed JSON answer; tests read into it freely. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted, not typed.
export type Json = any;

/** The default fixtures' administrator token. */
export const TOKEN = 'chatwoot-token';

/**
 * A simulator as `createTestSimulator` makes it with the chatwoot provider and its shipped fixtures, and the
 * provider's own context: scale tests fill the state through the transitions in one update (filling through HTTP
 * would take a minute).
 */
export async function createChatwootSimWithContext(
  options: Omit<SimulatorOptions, 'providers' | 'defaultFixtures'> = {},
): Promise<{ sim: Simulator; ctx: ProviderContext<ChatwootState> }> {
  let captured: ProviderContext<ChatwootState> | undefined;
  const sim = await createTestSimulator({
    providers: [
      {
        ...chatwootProvider,
        createState: (fixtures, c) => {
          captured = c as ProviderContext<ChatwootState>;
          return chatwootProvider.createState(fixtures, c);
        },
      },
    ],
    defaultFixtures: true,
    ...options,
  });
  return { sim, ctx: captured! };
}

/** A fresh simulator with only the chatwoot provider, its shipped fixtures and `fixtures` merged over them. */
export function createChatwootSim(
  options: Omit<SimulatorOptions, 'fixtures'> & { fixtures?: Record<string, unknown> } = {},
): Promise<Simulator> {
  const { fixtures, ...rest } = options;
  return createTestSimulator({
    providers: [chatwootProvider],
    defaultFixtures: true,
    ...rest,
    fixtures: fixtures ? { chatwoot: fixtures } : {},
  });
}

/** Sends a JSON request with the api_access_token header (or the given headers). */
export async function call(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { api_access_token: TOKEN },
): Promise<{ status: number; json: Json; text: string }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await sim.app.request(`/api/v1/accounts${path}`, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Creates a conversation for the default contact inbox and returns its body. */
export async function createConversation(sim: Simulator, extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await call(sim, 'POST', '/1/conversations', { source_id: 'contact-source-1', ...extra });
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${res.text}`);
  return res.json;
}

/** Every event an account webhook may subscribe to (Webhook::ALLOWED_WEBHOOK_EVENTS). */
export const ALL_EVENTS = [
  'conversation_status_changed',
  'conversation_updated',
  'conversation_created',
  'contact_created',
  'contact_updated',
  'message_created',
  'message_updated',
  'webwidget_triggered',
  'inbox_created',
  'inbox_updated',
  'conversation_typing_on',
  'conversation_typing_off',
];

/** The URL of the account webhook `createHookedSim` adds. */
export const HOOK_URL = 'http://hooks.test/account';

/**
 * A simulator whose webhooks go to a recording sender (no socket), with one account webhook at HOOK_URL subscribed
 * to `subscriptions` (all events by default). `bodies(type)` lists the payloads sent to `url` (HOOK_URL by default).
 */
export async function createHookedSim(
  options: {
    subscriptions?: string[];
    fixtures?: Record<string, unknown>;
    providerOptions?: Record<string, unknown>;
  } = {},
) {
  const recorder = createRecordingSender();
  const sim = await createChatwootSim({
    send: recorder.send,
    ...(options.providerOptions ? { providerOptions: { chatwoot: options.providerOptions } } : {}),
    fixtures: {
      webhooks: [{ id: 1, account_id: 1, url: HOOK_URL, subscriptions: options.subscriptions ?? ALL_EVENTS }],
      ...options.fixtures,
    },
  });
  const bodies = (type?: string, url = HOOK_URL): Json[] =>
    recorder.sent
      .filter((r) => r.url === url && (type === undefined || (r.json as Json)?.event === type))
      .map((r) => r.json as Json);
  return { sim, recorder, bodies };
}
