/**
 * The fixture file schema of the ECE provider and the initial state built from merged fixtures. Every field is
 * optional so that a later fixture layer (a file or inline override) may change one field of one item;
 * `toFixtureProblems` reports what is still missing once layers are merged.
 */
import { z } from 'zod';
import { isSafeKey } from '../../own.ts';
import { createIndexes, TOKEN_LIFETIME_MS } from './model-indexes.ts';
import type { AttributeDefinition, CallbackAuth, EceState, PhoneType, SocialType } from './model-state.ts';

const id = z.union([z.string().min(1), z.number().int()]).transform(String);

const attributeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('string'), maxLength: z.number().int().positive().optional() }).strict(),
  z.object({ type: z.literal('enumeration'), values: z.array(z.string()).min(1) }).strict(),
  z.object({ type: z.literal('integer') }).strict(),
]);

const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }).strict(),
  z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
]);

const contactSchema = z
  .object({
    id,
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    email: z.array(z.string()).optional(),
    phones: z
      .array(
        z
          .object({
            type: z.enum(['home', 'mobile', 'office']),
            number: z.string(),
            countryCode: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    social: z
      .array(z.object({ type: z.enum(['facebook', 'twitter', 'instagram']), socialId: z.string() }).strict())
      .optional(),
    externalId: z.string().optional(),
    custom: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** One ECE fixture file. */
export const eceFixturesSchema = z
  .object({
    settings: z
      .object({
        assignmentServiceRunning: z.boolean().optional(),
        customerDepartmentalization: z.boolean().optional(),
        languages: z.array(z.string().min(2)).min(1).optional(),
      })
      .strict()
      .optional(),
    clientApplications: z
      .array(
        z
          .object({
            key: z.string().min(1),
            secret: z.string().optional(),
            name: z.string().optional(),
            type: z.string().optional(),
            entryPoints: z.array(id).optional(),
            callback: z
              .object({
                url: z.url().nullable().optional(),
                format: z.enum(['json', 'xml']).optional(),
                auth: authSchema.optional(),
                active: z.boolean().optional(),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .optional(),
    sessions: z
      .array(
        z
          .object({
            token: z.string().min(1),
            kind: z.enum(['clientApplication', 'user']).optional(),
            clientKey: z.string().optional(),
            expiresAt: z.union([z.number(), z.iso.datetime()]).optional(),
          })
          .strict(),
      )
      .optional(),
    entryPoints: z
      .array(
        z
          .object({
            id,
            name: z.string().optional(),
            departmentId: id.optional(),
            queueId: id.optional(),
            lastModified: z.string().min(1).optional(),
          })
          .strict(),
      )
      .optional(),
    agents: z
      .array(
        z
          .object({
            id,
            name: z.string().optional(),
            screenName: z.string().optional(),
            queues: z.array(id).optional(),
            loggedIn: z.boolean().optional(),
            available: z.boolean().optional(),
            maxChats: z.number().int().min(0).optional(),
          })
          .strict(),
      )
      .optional(),
    customers: z
      .array(
        z
          .object({
            id,
            departmentId: id.optional(),
            type: z.string().optional(),
            contacts: z.array(contactSchema).optional(),
          })
          .strict(),
      )
      .optional(),
    cases: z
      .array(
        z.object({ id, customerId: id.optional(), status: z.enum(['open', 'closed']).optional() }).strict(),
      )
      .optional(),
    activityAttributes: z.record(z.string(), attributeSchema).optional(),
    contactAttributes: z.record(z.string(), attributeSchema).optional(),
  })
  .strict();

/** Merged ECE fixtures. */
export type EceFixtures = z.output<typeof eceFixturesSchema>;

/** The provider options (`--option ece.callbackUrl=...`). */
export const eceOptionsSchema = z
  .object({
    /** Overrides the callback URL of every client application. */
    callbackUrl: z.url().optional(),
    /** Consecutive failed callback deliveries before the callback URL is deactivated. */
    deactivateAfterFailures: z.coerce.number().int().min(1).default(5),
    /** Assign waiting chats to available agents by themselves. */
    autoAssign: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
      .default(true),
    /** Delay between a chat entering the queue and its automatic assignment. */
    autoAssignDelayMs: z.coerce.number().int().min(0).default(1000),
    /**
     * `pending`: a callback request carries every message waiting for the conversation, up to 1000, as ECE does
     * (reference 2.6); `single`: one message per request.
     */
    callbackBatching: z.enum(['pending', 'single']).default('pending'),
  })
  .strict();

/** Runtime options (`--option ece.<key>=<value>`), as the options schema gives them. */
export type EceOptions = z.output<typeof eceOptionsSchema>;

/** Reports what merged fixtures still miss, and references that point nowhere. */
export function toFixtureProblems(fixtures: EceFixtures): string[] {
  const problems: string[] = [];
  // Ids become keys of plain objects: `__proto__` would set a prototype instead of adding an item.
  const keyed: Array<[string, Array<string | undefined>]> = [
    ['clientApplications[].key', (fixtures.clientApplications ?? []).map((a) => a.key)],
    ['sessions[].token', (fixtures.sessions ?? []).map((s) => s.token)],
    ['sessions[].clientKey', (fixtures.sessions ?? []).map((s) => s.clientKey)],
    ['entryPoints[].id', (fixtures.entryPoints ?? []).map((e) => e.id)],
    ['entryPoints[].queueId', (fixtures.entryPoints ?? []).map((e) => e.queueId)],
    ['agents[].id', (fixtures.agents ?? []).map((a) => a.id)],
    ['agents[].queues', (fixtures.agents ?? []).flatMap((a) => a.queues ?? [])],
    ['customers[].id', (fixtures.customers ?? []).map((c) => c.id)],
    ['cases[].id', (fixtures.cases ?? []).map((c) => c.id)],
  ];
  for (const [where, ids] of keyed) {
    if (ids.some((id) => id !== undefined && !isSafeKey(id)))
      problems.push(`${where}: '__proto__' cannot be used as an id`);
  }
  const entryPoints = new Set((fixtures.entryPoints ?? []).map((e) => e.id));
  const customers = new Set((fixtures.customers ?? []).map((c) => c.id));
  const apps = new Set((fixtures.clientApplications ?? []).map((a) => a.key));
  for (const [i, app] of (fixtures.clientApplications ?? []).entries()) {
    if (app.secret === undefined) problems.push(`clientApplications[${i}].secret: required`);
    if (app.type === undefined) problems.push(`clientApplications[${i}].type: required`);
    for (const ep of app.entryPoints ?? []) {
      if (!entryPoints.has(ep)) problems.push(`clientApplications[${i}].entryPoints: no entry point '${ep}'`);
    }
  }
  for (const [i, ep] of (fixtures.entryPoints ?? []).entries()) {
    if (ep.queueId === undefined) problems.push(`entryPoints[${i}].queueId: required`);
    if (ep.lastModified === undefined) problems.push(`entryPoints[${i}].lastModified: required`);
  }
  for (const [i, s] of (fixtures.sessions ?? []).entries()) {
    if (s.clientKey !== undefined && !apps.has(s.clientKey))
      problems.push(`sessions[${i}].clientKey: no client application '${s.clientKey}'`);
  }
  for (const [i, c] of (fixtures.cases ?? []).entries()) {
    if (c.customerId !== undefined && !customers.has(c.customerId))
      problems.push(`cases[${i}].customerId: no customer '${c.customerId}'`);
  }
  return problems;
}

function maxNumeric(ids: string[], floor: number): number {
  return ids.reduce((max, value) => (/^\d+$/.test(value) ? Math.max(max, Number(value) + 1) : max), floor);
}

function toDefinitions(
  record: Record<string, z.output<typeof attributeSchema>> | undefined,
): Record<string, AttributeDefinition> {
  const out: Record<string, AttributeDefinition> = {};
  for (const [name, def] of Object.entries(record ?? {})) {
    out[name] = def.type === 'string' ? { type: 'string', maxLength: def.maxLength ?? 255 } : def;
  }
  return out;
}

/** Builds the initial state; `callbackUrl` from the options overrides every application's callback URL. */
export function createEceState(fixtures: EceFixtures, options: EceOptions, now: number): EceState {
  const records: Omit<EceState, 'indexes'> = {
    settings: {
      assignmentServiceRunning: fixtures.settings?.assignmentServiceRunning ?? true,
      customerDepartmentalization: fixtures.settings?.customerDepartmentalization ?? false,
      languages: fixtures.settings?.languages ?? ['en-US'],
    },
    clientApplications: {},
    sessions: {},
    entryPoints: {},
    agents: {},
    customers: {},
    cases: {},
    activityAttributes: toDefinitions(fixtures.activityAttributes),
    contactAttributes: toDefinitions(fixtures.contactAttributes),
    conversations: {},
    assignment: { dueAt: null },
    counters: {
      activity: 0,
      case: 0,
      customer: 0,
      contact: 0,
      message: 3_118_908_800,
      attachment: 1,
      arrival: 0,
    },
  };
  const state = records as EceState;
  for (const app of fixtures.clientApplications ?? []) {
    state.clientApplications[app.key] = {
      key: app.key,
      secret: app.secret ?? '',
      name: app.name ?? app.key,
      type: app.type ?? 'chat',
      entryPoints: app.entryPoints ?? [],
      callback: {
        url: options.callbackUrl ?? app.callback?.url ?? null,
        format: app.callback?.format ?? 'json',
        auth: (app.callback?.auth ?? { type: 'none' }) as CallbackAuth,
        active: app.callback?.active ?? true,
        consecutiveFailures: 0,
      },
    };
  }
  for (const s of fixtures.sessions ?? []) {
    const expiresAt =
      s.expiresAt === undefined
        ? now + TOKEN_LIFETIME_MS
        : typeof s.expiresAt === 'number'
          ? s.expiresAt
          : Date.parse(s.expiresAt);
    state.sessions[s.token] = {
      token: s.token,
      kind: s.kind ?? (s.clientKey ? 'clientApplication' : 'user'),
      clientKey: s.clientKey ?? null,
      createdAt: now,
      expiresAt,
    };
  }
  for (const ep of fixtures.entryPoints ?? []) {
    state.entryPoints[ep.id] = {
      id: ep.id,
      name: ep.name ?? `Entry point ${ep.id}`,
      departmentId: ep.departmentId ?? '999',
      queueId: ep.queueId ?? ep.id,
      lastModified: ep.lastModified ?? new Date(now).toISOString(),
    };
  }
  for (const agent of fixtures.agents ?? []) {
    state.agents[agent.id] = {
      id: agent.id,
      name: agent.name ?? `agent${agent.id}`,
      screenName: agent.screenName ?? agent.name ?? `Agent ${agent.id}`,
      queues: agent.queues ?? [],
      loggedIn: agent.loggedIn ?? true,
      available: agent.available ?? true,
      maxChats: agent.maxChats ?? 3,
    };
  }
  for (const customer of fixtures.customers ?? []) {
    state.customers[customer.id] = {
      id: customer.id,
      departmentId: customer.departmentId ?? '999',
      type: customer.type ?? 'individual',
      contacts: (customer.contacts ?? []).map((c) => ({
        id: c.id,
        firstName: c.firstName ?? null,
        lastName: c.lastName ?? null,
        email: c.email ?? [],
        phones: (c.phones ?? []).map((p) => ({
          type: p.type as PhoneType,
          number: p.number,
          countryCode: p.countryCode ?? null,
        })),
        social: (c.social ?? []).map((s) => ({ type: s.type as SocialType, socialId: s.socialId })),
        externalId: c.externalId ?? null,
        custom: c.custom ?? {},
      })),
    };
  }
  for (const c of fixtures.cases ?? []) {
    state.cases[c.id] = { id: c.id, customerId: c.customerId ?? null, status: c.status ?? 'open' };
  }
  const contactIds = Object.values(state.customers).flatMap((c) => c.contacts.map((contact) => contact.id));
  state.counters.customer = maxNumeric(Object.keys(state.customers), 3001);
  state.counters.contact = maxNumeric(contactIds, 4001);
  state.counters.case = maxNumeric(Object.keys(state.cases), 2001);
  state.counters.activity = 5001;
  state.indexes = createIndexes(records);
  return state;
}
