import { expect } from 'vitest';
import { eceProvider } from '../../../src/providers/ece/index.ts';
import type { Simulator, SimulatorOptions } from '../../../src/simulator.ts';
import { createRecordingSender, type RecordingSender } from '../../support/recording-sender.ts';
import { createTestSimulator } from '../../support/simulator.ts';

/** The two base paths; most tests use the server form. */
export const BASE = '/system/ws/v19/clientapplications';
export const SHORT_BASE = '/ws/v19/clientapplications';
export const LAST_MODIFIED = '2024-11-05T09:30:00.000Z';
export const CALLBACK_URL = 'http://callback.test/ece';

/** An ECE simulator for one test, with a fake outbound sender that records callbacks. */
export type EceSim = Pick<RecordingSender, 'sent' | 'respondWith'> & {
  sim: Simulator;
  /** Callback messages posted so far, flattened from {"message":[...]}. */
  messages(): Array<Record<string, unknown> & { type: { value: string } }>;
};

/** A fresh simulator: memory store, virtual clock, seed 1, default fixtures, callbacks to a fake receiver. */
export async function createEceSim(options: SimulatorOptions = {}): Promise<EceSim> {
  const { send, sent, respondWith } = createRecordingSender();
  const sim = await createTestSimulator({
    providers: [eceProvider],
    defaultFixtures: true,
    fixtures: {},
    providerOptions: { ece: { callbackUrl: CALLBACK_URL } },
    send,
    ...options,
  });
  return {
    sim,
    sent,
    respondWith,
    messages: () =>
      sent.flatMap((s) => ((s.json as { message?: unknown[] } | undefined)?.message ?? []) as never[]),
  };
}

/** Gets an access token from the Authentication API. */
export async function getToken(
  sim: Simulator,
  key = 'ece-chat-key',
  secret = 'ece-chat-secret',
): Promise<string> {
  const res = await sim.app.request(`${BASE}/authentication/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: 'grant_type=client_credentials',
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A start body for an entry point, merged with `activity`. */
export function startBody(activity?: Record<string, unknown>, entryPointId: string | number = 1001) {
  return {
    entryPointConfiguration: { entryPoint: { id: entryPointId }, lastModified: { date: LAST_MODIFIED } },
    ...(activity ? { activity } : {}),
  };
}

/** A customer element with one contact. */
export function customer(contact: Record<string, unknown>, type = 'individual') {
  return { type: { value: type }, contacts: { contact: [contact] } };
}

/** Jane Doe, the fixture customer, identified by email. */
export const JANE = customer({
  firstName: 'Jane',
  lastName: 'Doe',
  email: [{ emailAddress: 'jane.doe@example.com' }],
});

type StartOptions = {
  query?: string;
  body?: unknown;
  token?: string | null;
  headers?: Record<string, string>;
  base?: string;
};

/** POSTs messaging/conversation/start (anonymous, entry point 1001 by default). */
export async function start(sim: Simulator, options: StartOptions = {}): Promise<Response> {
  const token = options.token === undefined ? await getToken(sim) : options.token;
  const body = options.body === undefined ? startBody() : options.body;
  return sim.app.request(
    `${options.base ?? BASE}/messaging/conversation/start?${options.query ?? 'anonymousCustomer=yes'}`,
    {
      method: 'POST',
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        'content-type': 'application/json',
        accept: 'application/json',
        ...options.headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
  );
}

/** The conversation returned by start. */
export type ConversationBody = {
  id: string;
  activity: { id: string };
  case: { id: string };
  customer: { id: string } | null;
};

/** Starts a conversation and expects success. */
export async function startOk(sim: Simulator, options: StartOptions = {}): Promise<ConversationBody> {
  const res = await start(sim, options);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as ConversationBody;
}

/** Lets automatic assignment (1 s by default) and callback deliveries happen. */
export async function settle(sim: Simulator, by = '1s'): Promise<void> {
  await sim.control.advance(by);
  await sim.control.idle();
}

/** POSTs messaging/sendmessage with a JSON body. */
export async function sendMessage(
  sim: Simulator,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return sim.app.request(`${BASE}/messaging/sendmessage`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Calls an admin route of the ECE provider. */
export function eceAdmin(sim: Simulator, method: string, path: string, body?: unknown): Promise<Response> {
  return Promise.resolve(
    sim.app.request(`/__admin/providers/ece${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** Reads a WSError (JSON) and its status. */
export async function wsError(
  res: Response,
): Promise<{ status: number; code: string; developerMessage: string; userMessage: string }> {
  const body = (await res.json()) as { code: string; developerMessage: string; userMessage: string };
  return { status: res.status, ...body };
}
