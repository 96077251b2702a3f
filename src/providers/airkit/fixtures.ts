import { z } from 'zod';
import { isSafeKey } from '../../own.ts';
import type { AirkitState } from './model.ts';
import { createStateFrom } from './model-records.ts';

/** Channels a Conversation Hub channel resource serves: a Chat Web Control, or SMS. */
export const RESOURCE_CHANNELS = ['chat', 'sms'] as const;

/** A Conversation Hub channel resource as fixtures and the admin API describe it. */
export const resourceSchema = z.object({
  /** The deployment id the Start Conversation action points to. */
  id: z.string().min(1),
  name: z.string().default(''),
  /** The Conversation Hub it is associated with; null means "not associated" and unusable. */
  hubId: z.string().min(1).nullable().default(null),
  channel: z.enum(RESOURCE_CHANNELS).default('chat'),
  /** The third-party system's webhook URL (the system under test). */
  webhookUrl: z.string().url().nullable().default(null),
  /** HMAC secret for X-Airkit-Signature. */
  secret: z.string().min(1).default('airkit-webhook-secret'),
});

/**
 * A change of a resource (admin PATCH): every field optional and without defaults, so a change touches only the
 * fields it names.
 */
export const resourcePatchSchema = z.object({
  name: z.string().optional(),
  hubId: z.string().min(1).nullable().optional(),
  channel: z.enum(RESOURCE_CHANNELS).optional(),
  webhookUrl: z.string().url().nullable().optional(),
  secret: z.string().min(1).optional(),
});

/** One fixture file of the airkit provider; collections merge by `id`. */
export const airkitFixturesSchema = z.object({
  apiKeys: z.array(z.object({ id: z.string().min(1), key: z.string().min(1) })).optional(),
  hubs: z.array(z.object({ id: z.string().min(1), name: z.string().default('') })).optional(),
  resources: z.array(resourceSchema).optional(),
});

/** Merged airkit fixtures. */
export type AirkitFixtures = z.infer<typeof airkitFixturesSchema>;

/** Runtime options of the airkit provider. */
export const airkitOptionsSchema = z.object({
  /** Add X-Airkit-Signature to webhooks. */
  signWebhooks: z.boolean().default(true),
  /** Let the end user write before the third-party system's first message (the seed says the third party starts). */
  allowCustomerFirst: z.boolean().default(false),
  /** Conversations or messages per page of a listing when the request names no `pageSize` (simulator choice). */
  pageSize: z.number().int().positive().max(1000).default(100),
});

/** Parsed airkit options. */
export type AirkitOptions = z.infer<typeof airkitOptionsSchema>;

/** Problems across fixture collections, as `path: message`. */
export function checkAirkitFixtures(f: AirkitFixtures): string[] {
  const problems: string[] = [];
  // Ids key plain-object records: `__proto__` would set a prototype instead of adding an entry.
  for (const [name, list] of [
    ['apiKeys', f.apiKeys],
    ['hubs', f.hubs],
    ['resources', f.resources],
  ] as const) {
    for (const [i, item] of (list ?? []).entries()) {
      if (!isSafeKey(item.id)) problems.push(`${name}[${i}].id: '${item.id}' cannot be an id`);
    }
  }
  const hubs = new Set((f.hubs ?? []).map((h) => h.id));
  for (const [i, r] of (f.resources ?? []).entries()) {
    if (r.hubId !== null && !hubs.has(r.hubId)) problems.push(`resources[${i}].hubId: no hub '${r.hubId}'`);
  }
  return problems;
}

/** Builds the initial state from merged fixtures. */
export function createAirkitState(f: AirkitFixtures): AirkitState {
  return createStateFrom({
    apiKeys: (f.apiKeys ?? []).map((k) => ({ ...k })),
    hubs: (f.hubs ?? []).map((h) => ({ ...h })),
    resources: (f.resources ?? []).map((res) => ({ ...res })),
    conversations: [],
    messages: [],
  });
}
