// A provider written only against the public authoring kit ('convosim/provider'), as an author outside this
// repository would write one: the contract suite runs it like the shipped providers.
import { createHmac } from 'node:crypto';
import {
  type BodyFailure,
  ControlError,
  type CoreError,
  defineAction,
  defineAdminOperation,
  defineNeutralAction,
  defineProvider,
  fail,
  getOwn,
  isSafeKey,
  ok,
  type ProviderContext,
  type Result,
  readJson,
  refuse,
  toEcho,
} from 'convosim/provider';
import { Hono } from 'hono';
import { z } from 'zod';

const fixtures = z
  .object({
    apiKey: z.string().default('kit-key'),
    webhook: z.object({ url: z.url(), secret: z.string() }).nullable().default(null),
  })
  .strict();

type KitMessage = { from: 'customer' | 'agent'; text: string; at: number };
type KitConversation = {
  id: string;
  /** Position in `order`. */
  seq: number;
  status: 'open' | 'ended';
  createdAt: number;
  messages: KitMessage[];
};
export type KitState = {
  apiKey: string;
  webhook: { url: string; secret: string } | null;
  conversations: Record<string, KitConversation>;
  /** Conversation ids in creation order, the listing's index (an expired one leaves its slot empty). */
  order: (string | null)[];
};

/** The webhook events of the kit provider: event type → body. */
export type KitEvents = {
  'conversation.created': { event: 'conversation.created'; conversationId: string };
  'message.created': {
    event: 'message.created';
    conversationId: string;
    from: 'customer' | 'agent';
    text: string;
  };
  'conversation.ended': { event: 'conversation.ended'; conversationId: string };
};
/** What the signing hook reads back from each delivery. */
export type KitMeta = { secret: string };
type KitOptions = { greeting: string };
export type KitContext = ProviderContext<KitState, KitOptions, KitEvents, KitMeta>;

// --- rules and model: pure ---

const startSchema = z.object({ customer: z.string().min(1) }).strict();
const messageSchema = z.object({ text: z.string().min(1) }).strict();

function parseWith<S extends z.ZodType>(schema: S, value: unknown): Result<z.output<S>> {
  const parsed = schema.safeParse(value ?? {});
  return parsed.success ? ok(parsed.data) : fail(z.prettifyError(parsed.error));
}

function applyStart(draft: KitState, id: string, now: number): KitConversation {
  const conversation: KitConversation = {
    id,
    seq: draft.order.length,
    status: 'open',
    createdAt: now,
    messages: [],
  };
  draft.conversations[id] = conversation;
  draft.order.push(id);
  return { ...conversation };
}

function applyMessage(draft: KitState, id: string, message: KitMessage): Result<number> {
  const conversation = getOwn(draft.conversations, id);
  if (!conversation) return fail(`No conversation ${toEcho(id)}`);
  if (conversation.status === 'ended') return fail(`Conversation ${toEcho(id)} has ended`);
  conversation.messages.push(message);
  return ok(conversation.messages.length);
}

function applyEnd(draft: KitState, id: string): Result<true> {
  const conversation = getOwn(draft.conversations, id);
  if (!conversation) return fail(`No conversation ${toEcho(id)}`);
  conversation.status = 'ended';
  return ok(true);
}

// --- render: the two envelopes (v1 and its successor v2) ---

const renderV1 = (status: number, message: string) => ({ status, body: { error: { status, message } } });
const renderV2 = (status: number, message: string) => ({
  status,
  body: { errors: [{ code: status, detail: message }] },
});

const coreError =
  (render: (status: number, message: string) => { status: number; body: unknown }) =>
  (_c: unknown, error: CoreError) => {
    const { status, body } = render(error.status, error.message);
    return Response.json(body, { status });
  };

// --- effects: the one place that emits ---

function emitTo<Type extends keyof KitEvents>(ctx: KitContext, type: Type, body: KitEvents[Type]) {
  const webhook = ctx.state().webhook;
  if (!webhook) return null;
  const { conversationId } = body;
  return ctx.emit({
    type,
    url: webhook.url,
    orderKey: conversationId,
    conversationId,
    body,
    meta: { secret: webhook.secret },
  });
}

function performMessage(
  ctx: KitContext,
  id: string,
  from: 'customer' | 'agent',
  text: string,
): Result<number> {
  const added = ctx.update((draft) => applyMessage(draft, id, { from, text, at: ctx.clock.now() }));
  if (added.ok) emitTo(ctx, 'message.created', { event: 'message.created', conversationId: id, from, text });
  return added;
}

function performEnd(ctx: KitContext, id: string): Result<true> {
  const ended = ctx.update((draft) => applyEnd(draft, id));
  if (ended.ok) {
    emitTo(ctx, 'conversation.ended', { event: 'conversation.ended', conversationId: id });
    ctx.notify({ type: 'conversation.ended', conversationId: id });
  }
  return ended;
}

// --- routes ---

function createRoutes(ctx: KitContext): Hono {
  const app = new Hono();
  for (const [base, render] of [
    ['/kit/v1', renderV1],
    ['/kit/v2', renderV2],
  ] as const) {
    const refuseWith = (status: number, message: string): never => refuse(render(status, message));
    const onBodyError = (failure: BodyFailure) =>
      Response.json(render(failure.reason === 'malformed' ? 400 : 415, failure.message).body, {
        status: failure.reason === 'malformed' ? 400 : 415,
      });
    const authorize = (key: string | undefined) => {
      if (key !== ctx.state().apiKey) refuseWith(401, 'Invalid API key');
    };

    app.post(`${base}/conversations`, async (c) => {
      authorize(c.req.header('x-api-key'));
      const input = parseWith(startSchema, await readJson(c, onBodyError));
      if (!input.ok) return refuseWith(400, input.error);
      const id = `kit-${ctx.random.uuid()}`;
      const conversation = ctx.update((draft) => applyStart(draft, id, ctx.clock.now()));
      emitTo(ctx, 'conversation.created', { event: 'conversation.created', conversationId: id });
      ctx.notify({ type: 'conversation.started', conversationId: id });
      return c.json({ ...conversation, greeting: ctx.options.greeting }, 201);
    });

    app.post(`${base}/conversations/:id/messages`, async (c) => {
      authorize(c.req.header('x-api-key'));
      const input = parseWith(messageSchema, await readJson(c, onBodyError));
      if (!input.ok) return refuseWith(400, input.error);
      const added = performMessage(ctx, c.req.param('id'), 'customer', input.value.text);
      if (!added.ok) return refuseWith(404, added.error);
      return c.json({ count: added.value }, 201);
    });

    app.get(`${base}/conversations/:id`, (c) => {
      authorize(c.req.header('x-api-key'));
      const conversation = getOwn(ctx.state().conversations, c.req.param('id'));
      if (!conversation) return refuseWith(404, `No conversation ${toEcho(c.req.param('id'))}`);
      return c.json(conversation);
    });
  }
  return app;
}

const sign = (secret: string, body: string, time: number) =>
  createHmac('sha256', secret).update(`${time}.${body}`).digest('hex');

/** The kit provider: /kit/v1 and its successor /kit/v2 (same routes, another error envelope). */
export const kitProvider = defineProvider<
  KitState,
  z.output<typeof fixtures>,
  KitOptions,
  KitEvents,
  KitMeta
>({
  name: 'kit',
  title: 'Kit-built test provider',
  basePaths: ['/kit/v1', '/kit/v2'],
  surfaces: [{ basePaths: ['/kit/v2'], renderError: coreError(renderV2) }],
  fixtures,
  options: z.object({ greeting: z.string().default('hello') }).strict(),
  createState: (f) => ({ apiKey: f.apiKey, webhook: f.webhook, conversations: {}, order: [] }),
  createRoutes,
  renderError: coreError(renderV1),
  listConversations(state, page) {
    const listed = [];
    let at =
      page.after === null ? 0 : (getOwn(state.conversations, page.after)?.seq ?? state.order.length) + 1;
    for (; at < state.order.length && listed.length < page.limit; at++) {
      const c = getOwn(state.conversations, state.order[at] ?? '');
      if (c) listed.push({ id: c.id, status: c.status, createdAt: c.createdAt });
    }
    return listed;
  },
  webhooks: {
    retryDelaysMs: [1000],
    timeoutMs: 1000,
    // Typed: meta.secret is a string here, checked by the compiler.
    sign: ({ body, time, event }) => ({ 'x-kit-signature': sign(event.meta?.secret ?? '', body, time) }),
  },
  webhookTargets(ctx, conversationId) {
    const state = ctx.state();
    if (!getOwn(state.conversations, conversationId))
      return fail(`No conversation ${toEcho(conversationId)}`);
    if (!state.webhook) return fail('No webhook is set');
    return ok([{ url: state.webhook.url, meta: { secret: state.webhook.secret } }]);
  },
  actions: {
    'agent.say': defineNeutralAction(
      'agent.say',
      'The agent writes (message.created). args: {text, agentName?}',
      (ctx: KitContext, id, args) => {
        const added = performMessage(
          ctx,
          id,
          'agent',
          args.agentName ? `${args.agentName}: ${args.text}` : args.text,
        );
        if (!added.ok) throw new Error(added.error);
        return { count: added.value };
      },
      { extend: { agentName: z.string().optional() } },
    ),
    'customer.leave': defineNeutralAction('customer.leave', 'The customer leaves', (ctx: KitContext, id) => {
      const ended = performEnd(ctx, id);
      if (!ended.ok) throw new Error(ended.error);
      return { ended: id };
    }),
    'agent.wave': defineAction(
      'A verb only this provider knows. args: {times}',
      z.object({ times: z.number().int().min(1).max(3) }).strict(),
      (ctx: KitContext, id, args) => {
        const added = performMessage(ctx, id, 'agent', '👋'.repeat(args.times));
        if (!added.ok) throw new Error(added.error);
        return { count: added.value };
      },
    ),
  },
  admin: {
    'webhook.set': defineAdminOperation({
      method: 'PUT',
      path: '/webhook',
      description: 'Sets (or clears, with url null) where webhooks go',
      args: z.object({ url: z.url().nullable(), secret: z.string().default('kit-secret') }).strict(),
      run: (ctx: KitContext, args) => {
        ctx.update((draft) => {
          draft.webhook = args.url === null ? null : { url: args.url, secret: args.secret };
        });
        return { webhook: ctx.state().webhook };
      },
    }),
    'conversation.get': defineAdminOperation({
      method: 'GET',
      path: '/conversations/:id',
      description: 'One conversation as stored',
      args: z.object({ id: z.string() }).strict(),
      run: (ctx: KitContext, { id }) => {
        if (!isSafeKey(id)) throw new ControlError(400, `${toEcho(id)} is not a valid conversation id`);
        const conversation = getOwn(ctx.state().conversations, id);
        if (!conversation) throw new ControlError(404, `No conversation ${toEcho(id)}`, { id });
        return { conversation };
      },
    }),
  },
  expireConversation(ctx, conversationId) {
    ctx.update((draft) => {
      const conversation = getOwn(draft.conversations, conversationId);
      if (!conversation) return;
      draft.order[conversation.seq] = null;
      delete draft.conversations[conversationId];
    });
  },
});
