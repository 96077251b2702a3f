import { Hono } from 'hono';
import { z } from 'zod';
import { readBody } from '../../../src/http.ts';
import { defineNeutralAction } from '../../../src/provider/actions.ts';
import { defineProvider, type ProviderContext } from '../../../src/provider/contract.ts';

// A small chat provider for testing the scenario engine without depending on a real provider.

const fixtures = z.object({ webhookUrl: z.string().optional() }).strict();

type Chat = { id: string; status: 'open' | 'ended'; customer: string; messages: string[] };
type ChatState = { webhookUrl: string | null; chats: Record<string, Chat> };
type ChatContext = ProviderContext<ChatState, unknown>;

const emitTo = (ctx: ChatContext, conversationId: string, type: string, body: unknown) => {
  const url = ctx.state().webhookUrl;
  if (url) ctx.emit({ type, url, conversationId, body: { type, conversationId, ...(body as object) } });
};

const requireChat = (ctx: ChatContext, id: string) => {
  const chat = ctx.state().chats[id];
  if (!chat) throw new Error(`no conversation ${id}`);
  if (chat.status === 'ended') throw new Error(`conversation ${id} has ended`);
  return chat;
};

type Verb = 'agent.join' | 'agent.say' | 'agent.typing' | 'agent.complete' | 'customer.say';

// Each verb emits one event; the text verbs carry their text, the others nothing.
const emitting = (verb: Verb, type: string, ended = false) =>
  defineNeutralAction(verb, `emits ${type}`, (ctx: ChatContext, id: string, input: object) => {
    requireChat(ctx, id);
    emitTo(ctx, id, type, 'text' in input ? { text: input.text } : {});
    if (ended) {
      ctx.update((draft) => {
        draft.chats[id]!.status = 'ended';
      });
      ctx.notify({ type: 'conversation.ended', conversationId: id });
    }
    return { emitted: type };
  });

/** The chat test provider: POST /chat/v1/conversations starts a chat; the SUT answers through /messages and /end. */
export const chatProvider = defineProvider<ChatState, z.output<typeof fixtures>>({
  name: 'chat',
  title: 'Chat test provider',
  basePaths: ['/chat/v1'],
  fixtures,
  createState: (f) => ({ webhookUrl: f.webhookUrl ?? null, chats: {} }),
  renderError: (c, error) => c.json({ error: error.message }, error.status as 400),
  listConversations: (state) =>
    Object.values(state.chats).map((c) => ({ provider: 'chat', id: c.id, status: c.status, createdAt: 0 })),
  webhooks: { retryDelaysMs: [1000], timeoutMs: 1000 },
  actions: {
    'agent.join': emitting('agent.join', 'agent.joined'),
    'agent.say': emitting('agent.say', 'agent.message'),
    'agent.typing': emitting('agent.typing', 'agent.typing'),
    'agent.complete': emitting('agent.complete', 'conversation.completed', true),
    'customer.say': emitting('customer.say', 'customer.message'),
    'raw.event': {
      description: 'emits the given event body',
      args: z.object({ type: z.string(), body: z.unknown() }).strict(),
      run(ctx, id, input) {
        const { type, body } = input as { type: string; body: unknown };
        requireChat(ctx, id);
        const url = ctx.state().webhookUrl;
        if (url) ctx.emit({ type, url, conversationId: id, body });
      },
    },
  },
  createRoutes(ctx) {
    const app = new Hono();
    app.post('/chat/v1/conversations', async (c) => {
      const body = await readBody(c, ['json']);
      const input = (body.ok ? body.value : {}) as { customer?: string; queue?: string };
      const id = `chat-${ctx.random.id(8)}`;
      const customer = input.customer ?? ctx.random.faker.person.firstName();
      ctx.update((draft) => {
        draft.chats[id] = { id, status: 'open', customer, messages: [] };
      });
      emitTo(ctx, id, 'conversation.created', { customer });
      ctx.notify({
        type: 'conversation.started',
        conversationId: id,
        data: { customer: { name: customer }, queue: input.queue ?? 'general' },
      });
      return c.json({ id }, 201);
    });
    app.post('/chat/v1/conversations/:id/messages', async (c) => {
      const id = c.req.param('id');
      if (!ctx.state().chats[id]) return c.json({ error: 'unknown conversation' }, 404);
      const body = await readBody(c, ['json']);
      const text = String((body.ok ? (body.value as { text?: unknown }) : {}).text ?? '');
      ctx.update((draft) => {
        draft.chats[id]!.messages.push(text);
      });
      return c.json({ id: `msg-${ctx.random.id(6)}`, text }, 201);
    });
    app.post('/chat/v1/conversations/:id/end', (c) => {
      const id = c.req.param('id');
      if (!ctx.state().chats[id]) return c.json({ error: 'unknown conversation' }, 404);
      ctx.update((draft) => {
        draft.chats[id]!.status = 'ended';
      });
      ctx.notify({ type: 'conversation.ended', conversationId: id });
      return c.json({ ended: true });
    });
    return app;
  },
});
