import { Hono } from 'hono';
import { z } from 'zod';
import { readBody } from '../../src/http.ts';
import { defineNeutralAction } from '../../src/provider/actions.ts';
import { defineProvider, type ProviderContext } from '../../src/provider/contract.ts';

// A tiny provider used to test the core without depending on a real one.

const fixtures = z
  .object({
    tokens: z.array(z.object({ id: z.string(), tenant: z.string() })).default([]),
    webhookUrl: z.string().url().optional(),
  })
  .strict();

type EchoConversation = { id: string; status: 'open' | 'closed'; createdAt: number; messages: string[] };
type EchoState = {
  tokens: { id: string; tenant: string }[];
  webhookUrl: string | null;
  conversations: Record<string, EchoConversation>;
};

type EchoContext = ProviderContext<EchoState, { greeting: string }>;

/** The echo provider: POST /echo/v1/conversations, GET one, POST messages; errors as {fault:{status,message}}. */
export const echoProvider = defineProvider<EchoState, z.output<typeof fixtures>, { greeting: string }>({
  name: 'echo',
  title: 'Echo test provider',
  basePaths: ['/echo/v1'],
  fixtures,
  options: z.object({ greeting: z.string().default('hello') }).strict(),
  checkFixtures: (f) => (f.tokens.some((t) => t.id === '') ? ['tokens: an id is empty'] : []),
  createState: (f) => ({ tokens: f.tokens, webhookUrl: f.webhookUrl ?? null, conversations: {} }),
  renderError: (c, error) =>
    c.json({ fault: { status: error.status, message: error.message } }, error.status as 400),
  listConversations: (state) =>
    Object.values(state.conversations).map((c) => ({
      id: c.id,
      status: c.status,
      createdAt: c.createdAt,
    })),
  webhooks: {
    retryDelaysMs: [1000, 2000],
    timeoutMs: 1000,
    sign: ({ attempt, time }) => ({ 'x-echo-attempt': String(attempt), 'x-echo-time': String(time) }),
  },
  expireConversation(ctx, conversationId) {
    ctx.update((draft) => {
      delete draft.conversations[conversationId];
    });
  },
  actions: {
    'agent.complete': defineNeutralAction(
      'agent.complete',
      'The agent ends the conversation',
      (ctx: EchoContext, conversationId) => {
        ctx.update((draft: EchoState) => {
          const conversation = draft.conversations[conversationId];
          if (!conversation) throw new Error(`no conversation ${conversationId}`);
          conversation.status = 'closed';
        });
        ctx.notify({ type: 'conversation.ended', conversationId });
        return { ended: conversationId };
      },
    ),
    'agent.say': defineNeutralAction(
      'agent.say',
      'The agent says something',
      (ctx: EchoContext, conversationId, { text }) => {
        const state = ctx.state() as EchoState;
        if (!state.conversations[conversationId]) throw new Error(`no conversation ${conversationId}`);
        ctx.update((draft: EchoState) => {
          draft.conversations[conversationId]!.messages.push(text);
        });
        if (state.webhookUrl) {
          ctx.emit({
            type: 'agent.text',
            url: state.webhookUrl,
            conversationId,
            body: { conversationId, text },
          });
        }
        return { said: text };
      },
    ),
  },
  createRoutes(ctx) {
    const app = new Hono();
    const fail = (status: number, message: string) =>
      Response.json({ fault: { status, message } }, { status });
    app.post('/echo/v1/conversations', async (c) => {
      const token = c.req.header('authorization')?.replace(/^Bearer /, '');
      if (!ctx.state().tokens.some((t) => t.id === token)) return fail(401, 'bad token');
      const body = await readBody(c, ['json']);
      if (!body.ok) return fail(body.reason === 'malformed' ? 400 : 415, body.message);
      const text = (body.value as { text?: unknown } | undefined)?.text;
      if (typeof text !== 'string') return fail(400, 'text must be a string');
      if (text === 'boom') throw new Error('boom requested');
      const conversation: EchoConversation = {
        id: ctx.random.id(12),
        status: 'open',
        createdAt: ctx.clock.now(),
        messages: [text, `${ctx.options.greeting}, ${ctx.random.faker.person.firstName()}`],
      };
      ctx.update((draft) => {
        draft.conversations[conversation.id] = conversation;
      });
      const url = ctx.state().webhookUrl;
      if (url) {
        ctx.emit({ type: 'conversation.created', url, conversationId: conversation.id, body: conversation });
      }
      ctx.notify({ type: 'conversation.started', conversationId: conversation.id });
      return c.json(conversation, 201);
    });
    app.get('/echo/v1/conversations/:id', (c) => {
      const conversation = ctx.state().conversations[c.req.param('id')];
      return conversation ? c.json(conversation) : fail(404, 'unknown conversation');
    });
    app.post('/echo/v1/conversations/:id/later', (c) => {
      const id = c.req.param('id');
      if (!ctx.state().conversations[id]) return fail(404, 'unknown conversation');
      const url = ctx.state().webhookUrl;
      const failLater = c.req.query('fail') === '1';
      ctx.schedule(Number(c.req.query('ms') ?? 2000), () => {
        if (failLater) throw new Error('the later task failed');
        if (url) ctx.emit({ type: 'later', url, conversationId: id, body: { id, at: ctx.clock.now() } });
      });
      return c.body(null, 202);
    });
    return app;
  },
});
