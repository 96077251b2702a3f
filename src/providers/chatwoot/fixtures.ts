import { z } from 'zod';
import { type ChatwootState, DEFAULT_SUBSCRIPTIONS } from './model.ts';
import { createStateFrom } from './model-indexes.ts';

const id = z.number().int().positive();
const attrs = z.record(z.string(), z.unknown());

/** Chatwoot channel types the simulator knows (Channel::Api gets a webhook_url). */
export const CHANNEL_TYPES = [
  'Channel::Api',
  'Channel::WebWidget',
  'Channel::Email',
  'Channel::Sms',
  'Channel::Whatsapp',
] as const;

/** One fixture file of the chatwoot provider; every collection is optional and files are merged. */
export const chatwootFixturesSchema = z.object({
  accounts: z.array(z.object({ id, name: z.string() })).optional(),
  agents: z
    .array(
      z.object({
        id,
        account_ids: z.array(id),
        name: z.string(),
        email: z.string(),
        role: z.enum(['administrator', 'agent']).default('agent'),
        access_token: z.string().min(1),
        availability_status: z.enum(['online', 'busy', 'offline']).default('online'),
      }),
    )
    .optional(),
  agent_bots: z
    .array(
      z.object({
        id,
        account_id: id,
        name: z.string(),
        access_token: z.string().min(1),
        outgoing_url: z.string().url().nullable().default(null),
        secret: z.string().optional(),
      }),
    )
    .optional(),
  inboxes: z
    .array(
      z.object({
        id,
        account_id: id,
        name: z.string(),
        channel_type: z.enum(CHANNEL_TYPES),
        webhook_url: z.string().nullable().default(null),
        secret: z.string().optional(),
        website_url: z.string().nullable().default(null),
        lock_to_single_conversation: z.boolean().default(false),
        agent_bot_id: id.nullable().default(null),
        member_ids: z.array(id).default([]),
        hmac_token: z.string().min(1).optional(),
        hmac_mandatory: z.boolean().default(false),
      }),
    )
    .optional(),
  teams: z
    .array(
      z.object({
        id,
        account_id: id,
        name: z.string(),
        description: z.string().default(''),
        allow_auto_assign: z.boolean().default(true),
        agent_ids: z.array(id).default([]),
      }),
    )
    .optional(),
  contacts: z
    .array(
      z.object({
        id,
        account_id: id,
        name: z.string(),
        email: z.string().nullable().default(null),
        phone_number: z.string().nullable().default(null),
        identifier: z.string().nullable().default(null),
        blocked: z.boolean().default(false),
        additional_attributes: attrs.default({}),
        custom_attributes: attrs.default({}),
      }),
    )
    .optional(),
  contact_inboxes: z
    .array(z.object({ id, contact_id: id, inbox_id: id, source_id: z.string().min(1) }))
    .optional(),
  webhooks: z
    .array(
      z.object({
        id,
        account_id: id,
        url: z.string().url(),
        name: z.string().nullable().default(null),
        subscriptions: z.array(z.string()).optional(),
        inbox_id: id.nullable().default(null),
        secret: z.string().optional(),
      }),
    )
    .optional(),
});

/** Merged chatwoot fixtures. */
export type ChatwootFixtures = z.infer<typeof chatwootFixturesSchema>;

/** Runtime options of the chatwoot provider. */
export const chatwootOptionsSchema = z.object({
  /** Add X-Chatwoot-Signature/-Timestamp/-Delivery (Chatwoot >= 4.11.2); false imitates older servers. */
  signWebhooks: z.boolean().default(true),
  /** Sign API-inbox webhook_url deliveries too (Chatwoot >= 4.13.0). */
  signApiInboxWebhooks: z.boolean().default(true),
  /** Add seed 001's output fields (source_id, contact_id, assignee_id, team_id, message) at the top of the create answer. */
  seedOutputFields: z.boolean().default(true),
  /** Conversations per page in list endpoints (Chatwoot uses 25). */
  pageSize: z.number().int().positive().default(25),
  /**
   * Most conversations and messages one search (`q`, `labels`, `/filter`, contact search) reads, newest first.
   * Simulator choice: a search costs at most this much however large the store grows.
   */
  searchLimit: z.number().int().positive().default(10_000),
  /**
   * Largest attachment whose bytes are kept (in the message, so in the store) and served at its `data_url`; a larger
   * one keeps its metadata and its URLs answer 404. Simulator choice: 1 MiB, the default body limit; 0 keeps none.
   */
  attachmentBytes: z.number().int().nonnegative().default(1_048_576),
});

/** Parsed chatwoot options. */
export type ChatwootOptions = z.infer<typeof chatwootOptionsSchema>;

/** Problems across fixture collections (dangling references, duplicates), as `path: message`. */
export function checkChatwootFixtures(f: ChatwootFixtures): string[] {
  const problems: string[] = [];
  const accounts = new Set((f.accounts ?? []).map((a) => a.id));
  const inboxes = new Set((f.inboxes ?? []).map((i) => i.id));
  const contacts = new Set((f.contacts ?? []).map((c) => c.id));
  const tokens = new Set<string>();
  for (const [i, a] of (f.agents ?? []).entries()) {
    for (const acc of a.account_ids)
      if (!accounts.has(acc)) problems.push(`agents[${i}].account_ids: no account ${acc}`);
    if (tokens.has(a.access_token)) problems.push(`agents[${i}].access_token: duplicate token`);
    tokens.add(a.access_token);
  }
  for (const [i, b] of (f.agent_bots ?? []).entries()) {
    if (!accounts.has(b.account_id)) problems.push(`agent_bots[${i}].account_id: no account ${b.account_id}`);
    if (tokens.has(b.access_token)) problems.push(`agent_bots[${i}].access_token: duplicate token`);
    tokens.add(b.access_token);
  }
  for (const [name, list] of [
    ['inboxes', f.inboxes],
    ['teams', f.teams],
    ['contacts', f.contacts],
    ['webhooks', f.webhooks],
  ] as const) {
    for (const [i, item] of (list ?? []).entries()) {
      if (!accounts.has(item.account_id))
        problems.push(`${name}[${i}].account_id: no account ${item.account_id}`);
    }
  }
  for (const [i, ci] of (f.contact_inboxes ?? []).entries()) {
    if (!contacts.has(ci.contact_id))
      problems.push(`contact_inboxes[${i}].contact_id: no contact ${ci.contact_id}`);
    if (!inboxes.has(ci.inbox_id)) problems.push(`contact_inboxes[${i}].inbox_id: no inbox ${ci.inbox_id}`);
  }
  return problems;
}

/** Builds the initial state from merged fixtures; missing secrets come from `makeSecret` (seeded). */
export function createChatwootState(
  f: ChatwootFixtures,
  now: number,
  makeSecret: () => string,
): ChatwootState {
  const inboxes = (f.inboxes ?? []).map((i) => ({ ...i, secret: i.secret ?? makeSecret() }));
  const webhooks = (f.webhooks ?? []).map((w) => ({
    ...w,
    subscriptions: w.subscriptions ?? [...DEFAULT_SUBSCRIPTIONS],
    secret: w.secret ?? makeSecret(),
  }));
  // Drawn last, so that adding bot secrets left the inbox and webhook secrets of a seed as they were.
  const agentBots = (f.agent_bots ?? []).map((b) => ({ ...b, secret: b.secret ?? makeSecret() }));
  // Drawn after the bot secrets, for the same reason.
  for (const inbox of inboxes) inbox.hmac_token ??= makeSecret();
  return createStateFrom({
    accounts: (f.accounts ?? []).map((a) => ({ ...a })),
    agents: (f.agents ?? []).map((a) => ({ ...a, account_ids: [...a.account_ids] })),
    agentBots,
    inboxes,
    teams: (f.teams ?? []).map((t) => ({ ...t, agent_ids: [...t.agent_ids] })),
    contacts: (f.contacts ?? []).map((c) => ({ ...c, created_at: now, last_activity_at: null })),
    contactInboxes: (f.contact_inboxes ?? []).map((ci) => ({
      ...ci,
      hmac_verified: false,
      created_at: now,
      updated_at: now,
    })),
    conversations: [],
    messages: [],
    webhooks,
  });
}
