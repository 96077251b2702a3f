import { type PagedIds, slicePagedIds } from '../../../src/provider/index.ts';
import { airkitProvider } from '../../../src/providers/airkit/index.ts';
import type { AirkitIndex } from '../../../src/providers/airkit/model.ts';
import type { Simulator, SimulatorOptions } from '../../../src/simulator.ts';
import { createTestSimulator } from '../../support/simulator.ts';

/** A parsed JSON answer. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted, not typed.
export type Json = any;

/** The default API key. */
export const KEY = 'airkit-token';

/** A fresh simulator with the airkit provider; `webhookUrl` configures `hub-default`. */
export function createAirkitSim(
  options: Omit<SimulatorOptions, 'fixtures'> & {
    fixtures?: Record<string, unknown>;
    webhookUrl?: string;
  } = {},
): Promise<Simulator> {
  const { fixtures, webhookUrl, ...rest } = options;
  const merged: Record<string, unknown> = { ...(fixtures ?? {}) };
  if (webhookUrl) {
    merged.resources = [
      {
        id: 'hub-default',
        name: 'Default',
        hubId: 'hub-main',
        channel: 'chat',
        webhookUrl,
        secret: 'airkit-webhook-secret',
      },
      ...((fixtures?.resources as unknown[]) ?? []),
    ];
  }
  return createTestSimulator({
    providers: [airkitProvider],
    defaultFixtures: true,
    ...rest,
    fixtures: { airkit: merged },
  });
}

/** Sends a JSON request with the Bearer API key. */
export async function call(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${KEY}` },
): Promise<{ status: number; json: Json }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await sim.app.request(path, init);
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Starts a chat conversation on hub-default for session `session-1`. */
export async function start(sim: Simulator, extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await call(sim, 'POST', '/airkit/v1/conversations', {
    conversationHubChannelResource: 'hub-default',
    customerDestination: { type: 'Text', value: 'session-1' },
    ...extra,
  });
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** Sends an admin request (no credentials; a JSON body when given). */
export async function admin(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const res = await sim.app.request(path, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

const idsOf = (list: PagedIds) => ({ size: list.size, ids: slicePagedIds(list, 0, list.size) });

/**
 * What an index shows: its maps, and each paged list's ids in order with its size. A paged list's slot numbers and
 * bucket bounds are left out: after an expiry the live ones depend on history (an emptied bucket is dropped, slot
 * numbers are not reused) and a rebuild appends afresh, yet no answer shows them (page tokens are offsets into the
 * list, the admin cursor is a conversation id), and every read of the kit (`slicePagedIds`, `slicePagedIdsAfter`)
 * answers from the ids' order alone.
 */
export function toObservable(index: AirkitIndex) {
  return {
    keys: index.keys,
    messagesOfConversation: index.messagesOfConversation,
    conversations: idsOf(index.conversations),
    conversationsOfResource: Object.fromEntries(
      Object.entries(index.conversationsOfResource).map(([id, list]) => [id, idsOf(list)]),
    ),
  };
}

/** Fixtures adding a second resource on the main hub, so that per-resource lists interleave. */
export const SECOND_RESOURCE_FIXTURES = {
  resources: [
    {
      id: 'res-b',
      name: 'B',
      hubId: 'hub-main',
      channel: 'sms',
      webhookUrl: 'http://sut.test/b',
      secret: 'b-secret',
    },
  ],
};

/** Webhooks to a receiver that answers 200 at once. */
export const ANSWERED_HOOKS = {
  webhookUrl: 'http://sut.test/hook',
  send: async () => ({ status: 200, body: '' }),
};
