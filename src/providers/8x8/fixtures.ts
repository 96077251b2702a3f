// Fixture and option schemas of the 8x8 provider, and the initial state built from them.
import { z } from 'zod';
import { parseDuration } from '../../duration.ts';
import { isSafeKey } from '../../own.ts';
import type { Channel, EightByEightState, Webhook } from './model.ts';
import { createConversationIndexes } from './model-indexes.ts';
import { REGIONS } from './rules.ts';

const api = z.enum(['v2', 'gateway']);

/** One fixture file (every key optional; files merge, arrays by `id`). */
export const eightByEightFixtures = z.object({
  tenant: z.string().min(1).optional(),
  region: z.enum(REGIONS).optional(),
  customerId: z.string().min(1).optional(),
  credentials: z
    .object({ apiKey: z.string().min(1), apiSecret: z.string().min(1), gatewayApiKey: z.string().min(1) })
    .partial()
    .optional(),
  tokenTtlSeconds: z.number().int().positive().optional(),
  queues: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().min(1),
        autoAccept: z.boolean().optional(),
        autoAcceptDelayMs: z.number().int().nonnegative().optional(),
      }),
    )
    .optional(),
  agents: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().min(1),
        queues: z.array(z.string()),
        available: z.boolean().optional(),
      }),
    )
    .optional(),
  webhooks: z
    .array(
      z.object({
        id: z.string().min(1),
        api,
        name: z.string().min(1),
        uri: z.string().url(),
        version: z.string().optional(),
      }),
    )
    .optional(),
  channels: z
    .array(
      z.object({
        id: z.string().min(1),
        api,
        name: z.string().min(1),
        webHookId: z.string().min(1),
        queueId: z.string().min(1),
      }),
    )
    .optional(),
  signingKey: z.object({ kid: z.string().min(1), privateJwk: z.record(z.string(), z.string()) }).optional(),
});

/** The merged fixtures. */
export type EightByEightFixtures = z.infer<typeof eightByEightFixtures>;

const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
// At most 10 retries: a longer schedule would hold a conversation's later events back for too long.
const durationList = z
  .union([z.array(z.union([z.number(), z.string()])), z.string()])
  .transform((value) => (typeof value === 'string' ? value.split(',').filter((d) => d.trim() !== '') : value))
  .pipe(z.array(duration).max(10));

const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());

/** Runtime options (`--option 8x8.autoAcceptDelayMs=500`). */
export const eightByEightOptions = z.object({
  /** An available agent accepts a queued interaction by itself (queues may override). */
  autoAccept: flag.default(true),
  /** How long an interaction waits before the agent accepts it. */
  autoAcceptDelayMs: z.coerce.number().int().nonnegative().default(2000),
  /**
   * Delays before each webhook retry (`--option 8x8.webhookRetries=2s,5s,10s`; empty: no retry). Simulator choice:
   * 8x8 says only that it retries "after a brief delay" (docs/providers/8x8.md, "Webhook retries").
   */
  webhookRetries: durationList
    .describe('a list of durations, e.g. 2s,5s,10s')
    .default([2_000, 5_000, 10_000]),
  /** How long a receiver has to answer one webhook attempt (`--option 8x8.webhookTimeout=10s`). */
  webhookTimeout: duration.describe('a duration, e.g. 10s').default(10_000),
});

/** Parsed options. */
export type EightByEightOptions = z.infer<typeof eightByEightOptions>;

/** Checks references between fixture collections, and ids that cannot key a collection. */
export function checkEightByEightFixtures(f: EightByEightFixtures): string[] {
  const problems: string[] = [];
  const collections = { queues: f.queues, agents: f.agents, webhooks: f.webhooks, channels: f.channels };
  for (const [name, items] of Object.entries(collections)) {
    (items ?? []).forEach((item, i) => {
      if (!isSafeKey(item.id)) problems.push(`${name}[${i}].id: '${item.id}' cannot be used as an id`);
    });
  }
  const queues = new Set((f.queues ?? []).map((q) => q.id));
  (f.agents ?? []).forEach((a, i) => {
    for (const q of a.queues)
      if (!queues.has(q)) problems.push(`agents[${i}].queues: queue '${q}' is not defined`);
  });
  (f.channels ?? []).forEach((c, i) => {
    if (!queues.has(c.queueId)) problems.push(`channels[${i}].queueId: queue '${c.queueId}' is not defined`);
    if (!(f.webhooks ?? []).some((w) => w.id === c.webHookId && w.api === c.api)) {
      problems.push(`channels[${i}].webHookId: no ${c.api} webhook '${c.webHookId}' is defined`);
    }
  });
  if (!f.signingKey) problems.push('signingKey: a signing key (kid and privateJwk) is required');
  return problems;
}

const numericMax = (ids: string[]) =>
  ids.reduce((max, id) => (/^\d+$/.test(id) ? Math.max(max, Number(id)) : max), 0);

/** Keys items by id; an id that cannot be an own key (`__proto__`) is left out (checkFixtures reports it). */
function toRecord<T extends { id: string }>(items: T[]): Record<string, T> {
  const record: Record<string, T> = {};
  for (const item of items) if (isSafeKey(item.id)) record[item.id] = item;
  return record;
}

/** Builds the initial state from merged fixtures (defaults: tenant acme, region us). */
export function createEightByEightState(f: EightByEightFixtures): EightByEightState {
  const webhooks: Webhook[] = (f.webhooks ?? []).map((w) => ({
    id: w.id,
    api: w.api,
    name: w.name,
    uri: w.uri,
    version: w.version ?? (w.api === 'v2' ? 'v2.0' : 'Chat Gateway v1.0'),
    revision: 1,
  }));
  const channels: Channel[] = (f.channels ?? []).map((c) => ({
    id: c.id,
    api: c.api,
    name: c.name,
    ...(c.api === 'gateway' ? { type: 'ChatAPI' } : {}),
    webHookId: c.webHookId,
    routingOptions: { type: 'queue' as const, id: c.queueId },
    revision: 1,
  }));
  const agents = (f.agents ?? []).map((a) => ({
    ...a,
    queues: [...a.queues],
    available: a.available ?? true,
  }));
  if (!f.signingKey) throw new Error('8x8 fixtures need a signingKey (see fixtures/8x8/signing-key.json).');
  return {
    tenant: f.tenant ?? 'acme',
    region: f.region ?? 'us',
    customerId: f.customerId ?? f.tenant ?? 'acme',
    credentials: {
      apiKey: f.credentials?.apiKey ?? '8x8-key',
      apiSecret: f.credentials?.apiSecret ?? '8x8-secret',
      gatewayApiKey: f.credentials?.gatewayApiKey ?? '8x8-gateway-key',
    },
    tokenTtlSeconds: f.tokenTtlSeconds ?? 3600,
    tokens: {},
    tokenQueue: { head: 0, tail: 0, ids: {} },
    queues: toRecord((f.queues ?? []).map((q) => ({ ...q }))),
    agents: toRecord(agents),
    agentOrder: agents.map((a) => a.id).filter(isSafeKey),
    webhooks: toRecord(webhooks),
    channels: toRecord(channels),
    conversations: {},
    attachments: {},
    index: createConversationIndexes(),
    seq: {
      webhook: numericMax(webhooks.map((w) => w.id)),
      channel: numericMax(channels.map((c) => c.id)),
      conversation: 0,
    },
    signingKey: { kid: f.signingKey.kid, privateJwk: { ...f.signingKey.privateJwk } },
  };
}
