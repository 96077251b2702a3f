// Test helpers for the 8x8 provider: a fresh simulator with a fake webhook sender, and request helpers that
// validate every answer against 8x8's OpenAPI files (openapi.ts).
import { expect } from 'vitest';
import { eightByEightProvider } from '../../../src/providers/8x8/index.ts';
import type { ConversationIndexes } from '../../../src/providers/8x8/model.ts';
import {
  type SortedIndex,
  settleIndex,
  sliceIds,
  sliceIdsAfter,
  walkIds,
} from '../../../src/providers/8x8/model-sorted-index.ts';
import type { Simulator, SimulatorOptions } from '../../../src/simulator.ts';
import { createRecordingSender, type RecordingSender } from '../../support/recording-sender.ts';
import { createTestSimulator } from '../../support/simulator.ts';
import { createOpenApiValidator } from './openapi.ts';

const validator = createOpenApiValidator();

/** The spec operations that answered through `call` in this test file. */
export const seenOperations = validator.seen;
/** Every operation of both specs. */
export const allOperations = validator.operations;

/** Where test webhooks go (the fake sender records them; no socket is opened). */
export const HOOK_URL = 'http://hooks.test/8x8';

/** A fresh 8x8 simulator plus the webhooks it sent. */
export type EightByEightSim = Pick<RecordingSender, 'sent' | 'respondWith'> & {
  sim: Simulator;
  /** Bodies (parsed) of the webhooks sent, optionally only of one event type. */
  events(type?: string): Record<string, unknown>[];
};

/** Creates a simulator with the 8x8 provider, default fixtures, virtual clock, seed 1. */
export async function createEightByEightSim(options: SimulatorOptions = {}): Promise<EightByEightSim> {
  const { send, sent, respondWith } = createRecordingSender();
  const sim = await createTestSimulator({
    providers: [eightByEightProvider],
    defaultFixtures: true,
    fixtures: {},
    send,
    ...options,
  });
  return {
    sim,
    sent,
    respondWith,
    events(type) {
      return sent
        .map((r) => JSON.parse(r.body) as Record<string, unknown>)
        .filter((b) => type === undefined || b.eventType === type);
    },
  };
}

/** An answer, with the body as text and parsed JSON when it is JSON. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary documented bodies.
export type Answer = { status: number; headers: Headers; text: string; json: any };

/**
 * Sends one request in-process and validates the answer against the 8x8 specs (the contract test runs
 * inside every test that uses this helper).
 */
export async function call(
  sim: Simulator,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; json?: unknown; body?: RequestInit['body'] } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await sim.app.request(path, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const violations = validator.check({
    method,
    path: new URL(path, 'http://x').pathname,
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: response.headers.get('content-type')?.includes('octet-stream') ? '' : text,
  });
  expect(violations, `${method} ${path} answered ${response.status} ${text.slice(0, 200)}`).toEqual([]);
  return { status: response.status, headers: response.headers, text, json };
}

/** The v2 tenant prefix of the default fixtures. */
export const V2 = '/vcc/us/chat/v2/tenant/acme';
/** The Gateway prefix. */
export const GW = '/chat-gateway/v1';

/** Basic credentials of the default fixtures. */
export const BASIC = `Basic ${Buffer.from('8x8-key:8x8-secret').toString('base64')}`;

/** Gets a v2 access token. */
export async function getToken(sim: Simulator): Promise<string> {
  const answer = await call(sim, 'POST', '/oauth/v2/token', {
    headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  expect(answer.status).toBe(200);
  return answer.json.access_token as string;
}

/** A v2 client bound to a token. */
export function v2Client(sim: Simulator, token: string) {
  return (method: string, path: string, json?: unknown) =>
    call(sim, method, `${V2}${path}`, { headers: { authorization: `Bearer ${token}` }, json });
}

/** A Gateway client with the default api key. */
export function gatewayClient(sim: Simulator, extra: Record<string, string> = {}) {
  return (method: string, path: string, json?: unknown) =>
    call(sim, method, `${GW}${path}`, { headers: { 'x-api-key': '8x8-gateway-key', ...extra }, json });
}

/** Creates a v2 webhook and a channel on `queueId`; returns the channel id. */
export async function setUpV2Channel(api: ReturnType<typeof v2Client>, queueId = '100'): Promise<string> {
  const hook = await api('POST', '/web-hooks', { name: 'hook', uri: HOOK_URL, version: 'v2.0' });
  const channel = await api('POST', '/channels', {
    name: 'web',
    webHookId: hook.json.id,
    routingOptions: { type: 'queue', id: queueId },
  });
  expect(channel.status).toBe(200);
  return channel.json.id as string;
}

/** Creates a Gateway webhook and a channel on `queueId`; returns the channel id. */
export async function setUpGatewayChannel(
  api: ReturnType<typeof gatewayClient>,
  queueId = '100',
): Promise<string> {
  const hook = await api('POST', '/webhooks', { name: 'hook', uri: HOOK_URL, version: 'Chat Gateway v1.0' });
  const channel = await api('POST', '/channels', {
    name: 'web',
    type: 'ChatAPI',
    webHookId: hook.json.id,
    routingOptions: { type: 'queue', id: queueId },
  });
  expect(channel.status).toBe(200);
  return channel.json.id as string;
}

/**
 * How 8x8 ids and list sort keys compare (the model's `compareIds`, written the plain way): the empty key first,
 * then numbers (all digits) by value, then every other key by UTF-16 code units. -1, 0 or 1.
 */
export function referenceIdOrder(a: string, b: string): number {
  const rank = (key: string) => (key === '' ? 0 : /^\d+$/.test(key) ? 1 : 2);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return Math.sign(byRank);
  if (rank(a) === 1) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every answer a sorted index gives: its entries in order, every window of a few sizes both ways, every cursor. */
export function toReadings(index: SortedIndex) {
  settleIndex(index);
  const entries: string[] = [];
  for (const page of index.pages) for (const bucket of page) entries.push(...bucket);
  const walked: string[] = [];
  walkIds(index, 'desc', (id) => walked.push(id));
  const windows: string[][] = [];
  for (const limit of [1, 3, 32, 50])
    for (let offset = 0; offset <= index.size; offset += limit)
      windows.push(sliceIds(index, offset, limit, 'asc'), sliceIds(index, offset, limit, 'desc'));
  const after = [null, ...entries].map((entry) => sliceIdsAfter(index, entry, 4));
  return { size: index.size, entries, walked, windows, after };
}

/** Everything observable of the conversation indexes (records compared as records: their key order is not read). */
export function toObservable(index: ConversationIndexes) {
  const byKey = (record: Record<string, SortedIndex>) =>
    Object.fromEntries(Object.entries(record).map(([key, sorted]) => [key, toReadings(sorted)]));
  return {
    v2: {
      created: toReadings(index.v2.created),
      byChannel: byKey(index.v2.byChannel),
      byUser: byKey(index.v2.byUser),
      byStatus: byKey(index.v2.byStatus),
    },
    gateway: byKey(index.gateway),
    queued: index.queued,
    handovers: index.handovers,
  };
}
