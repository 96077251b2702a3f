// Fuzz suite of the Chatwoot-compatible provider (issue 10 deliverable 3). Findings: /work/notes/fuzz-chatwoot.md.
import type { ChatwootState } from '../../src/providers/chatwoot/model.ts';
import { createWidgetToken } from '../../src/providers/chatwoot/rules-widget.ts';
import type { Simulator } from '../../src/simulator.ts';
import { defineFuzzSuite, type FuzzRoute, send, sendOk, type ValidRequest } from '../support/fuzz-harness.ts';
import { chatwootEnvelope } from './envelopes.ts';

type Env = { conversationId: string; webhookId: string; seq: number };

const ACCOUNT = '/api/v1/accounts/:account_id';
const TOKEN = { api_access_token: 'chatwoot-token' };
const auth = { header: 'api_access_token', scheme: 'raw' } as const;
const json = (value: unknown) => ({ kind: 'json', value }) as const;

function request(params: Record<string, string>, body: ValidRequest['body']): ValidRequest {
  return { params: { account_id: '1', ...params }, headers: TOKEN, body };
}

async function createWebhook(sim: Simulator, env: Env): Promise<string> {
  const created = await sendOk(sim, 'POST', '/api/v1/accounts/1/webhooks', {
    headers: TOKEN,
    json: { url: `https://hooks.test/set-up-${++env.seq}`, subscriptions: ['conversation_created'] },
  });
  return String(created.payload.webhook.id);
}

const routes: FuzzRoute<Env>[] = [
  ...((
    [
      ['PATCH', '', { priority: 'high' }],
      ['POST', '/toggle_priority', { priority: 'low' }],
      ['POST', '/custom_attributes', { custom_attributes: { a: 1 } }],
      ['POST', '/labels', { labels: ['x', 'y'] }],
      ['POST', '/mute', {}],
      ['POST', '/unmute', {}],
      ['POST', '/unread', {}],
      ['POST', '/update_last_seen', {}],
      ['POST', '/transcript', { email: 'a@b.test' }],
    ] as const
  ).map(([method, path, body]) => ({
    method,
    route: `${ACCOUNT}/conversations/:conversation_id${path}`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env: Env) => request({ conversation_id: env.conversationId }, json(body)),
  })) as FuzzRoute<Env>[]),
  {
    method: 'PATCH',
    route: `${ACCOUNT}/conversations/:conversation_id/messages/:message_id`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env: Env) =>
      request({ conversation_id: env.conversationId, message_id: '1' }, json({ status: 'read' })),
  },
  {
    method: 'DELETE',
    route: `${ACCOUNT}/conversations/:conversation_id/messages/:message_id`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env: Env) =>
      request({ conversation_id: env.conversationId, message_id: '1' }, { kind: 'none' } as never),
  },
  {
    method: 'PATCH',
    route: `${ACCOUNT}/contacts/:contact_id`,
    auth,
    envelope: chatwootEnvelope,
    prepare: () => request({ contact_id: '1' }, json({ name: 'N', custom_attributes: { k: 1 } })),
  },
  {
    method: 'POST',
    route: `${ACCOUNT}/contacts/:contact_id/contact_inboxes`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env: Env) => request({ contact_id: '1' }, json({ inbox_id: 2, source_id: `ci-${++env.seq}` })),
  },
  {
    method: 'POST',
    route: `${ACCOUNT}/canned_responses`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env: Env) => request({}, json({ short_code: `sc-${++env.seq}`, content: 'hi' })),
  },
  {
    method: 'DELETE',
    route: `${ACCOUNT}/canned_responses/:canned_id`,
    auth,
    envelope: chatwootEnvelope,
    prepare: async (env: Env, sim: Simulator) => {
      const made = await sendOk(sim, 'POST', '/api/v1/accounts/1/canned_responses', {
        headers: TOKEN,
        json: { short_code: `del-${++env.seq}`, content: 'x' },
      });
      return request({ canned_id: String(made.id) }, { kind: 'none' } as never);
    },
  },
  {
    method: 'DELETE',
    route: `${ACCOUNT}/conversations/:conversation_id`,
    auth,
    envelope: chatwootEnvelope,
    prepare: async (_env: Env, sim: Simulator) => {
      const made = await sendOk(sim, 'POST', '/api/v1/accounts/1/conversations', {
        headers: TOKEN,
        json: { source_id: 'contact-source-1' },
      });
      return request({ conversation_id: String(made.id) }, { kind: 'none' } as never);
    },
  },
  {
    method: 'PATCH',
    route: `${ACCOUNT}/canned_responses/:canned_id`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env: Env) => request({ canned_id: '1' }, json({ content: `c${++env.seq}` })),
  },

  {
    method: 'POST',
    route: `${ACCOUNT}/contacts`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env) => {
      const n = ++env.seq;
      return request(
        {},
        json({
          inbox_id: 1,
          name: 'Sam',
          email: `sam-${n}@x.test`,
          phone_number: `+1555${String(n).padStart(7, '0')}`,
          identifier: `sam-${n}`,
          custom_attributes: { tier: 'gold' },
        }),
      );
    },
  },
  {
    method: 'POST',
    route: `${ACCOUNT}/conversations`,
    auth,
    envelope: chatwootEnvelope,
    prepare: () =>
      request(
        {},
        json({
          source_id: 'contact-source-1',
          inbox_id: 1,
          contact_id: 1,
          additional_attributes: { browser: 'Firefox' },
          custom_attributes: { plan: 'gold' },
          status: 'pending',
          assignee_id: 2,
          team_id: 1,
          snoozed_until: null,
          message: { content: 'Hello', message_type: 'incoming' },
        }),
      ),
  },
  {
    method: 'POST',
    route: `${ACCOUNT}/conversations/:conversation_id/assignments`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env) =>
      request(
        { conversation_id: env.conversationId },
        json(++env.seq % 2 === 0 ? { assignee_id: 2 } : { team_id: 1 }),
      ),
  },
  {
    method: 'POST',
    route: `${ACCOUNT}/conversations/:conversation_id/messages`,
    auth,
    multipart: true,
    envelope: chatwootEnvelope,
    prepare: (env) =>
      ++env.seq % 3 === 0
        ? request(
            { conversation_id: env.conversationId },
            {
              kind: 'multipart',
              fields: { content: 'with file', private: 'false', content_attributes: '{"k":"v"}' },
              files: [{ field: 'attachments[]', fileName: 'pic.png', content: 'abc', type: 'image/png' }],
            },
          )
        : request(
            { conversation_id: env.conversationId },
            json({
              content: 'Hi there',
              message_type: 'outgoing',
              private: false,
              content_type: 'text',
              content_attributes: { k: 'v' },
            }),
          ),
  },
  {
    method: 'POST',
    route: `${ACCOUNT}/conversations/:conversation_id/toggle_status`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env) =>
      request(
        { conversation_id: env.conversationId },
        json(++env.seq % 2 === 0 ? { status: 'snoozed', snoozed_until: 1735776000 } : { status: 'open' }),
      ),
  },
  {
    method: 'POST',
    route: `${ACCOUNT}/conversations/:conversation_id/toggle_typing_status`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env) =>
      request({ conversation_id: env.conversationId }, json({ typing_status: 'on', is_private: false })),
  },
  {
    method: 'POST',
    route: `${ACCOUNT}/conversations/filter`,
    auth,
    envelope: chatwootEnvelope,
    prepare: () =>
      request(
        {},
        json({
          payload: [
            { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'], query_operator: 'OR' },
            { attribute_key: 'inbox_id', filter_operator: 'equal_to', values: [1], query_operator: null },
          ],
        }),
      ),
  },
  {
    method: 'POST',
    route: `${ACCOUNT}/contacts/filter`,
    auth,
    envelope: chatwootEnvelope,
    prepare: () =>
      request(
        {},
        json({
          payload: [
            { attribute_key: 'name', filter_operator: 'contains', values: ['a'], query_operator: 'OR' },
            { attribute_key: 'blocked', filter_operator: 'equal_to', values: [false], query_operator: null },
          ],
        }),
      ),
  },
  {
    method: 'DELETE',
    route: `${ACCOUNT}/contacts/:contact_id`,
    auth,
    envelope: chatwootEnvelope,
    prepare: async (env, sim) => {
      const created = await sendOk(sim, 'POST', '/api/v1/accounts/1/contacts', {
        headers: TOKEN,
        json: { name: `Gone ${++env.seq}`, inbox_id: 1 },
      });
      return request({ contact_id: String(created.payload.contact.id) }, { kind: 'none' });
    },
  },
  {
    method: 'POST',
    route: `${ACCOUNT}/webhooks`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env) =>
      request({}, json({ url: `https://hooks.test/new-${++env.seq}`, subscriptions: ['message_created'] })),
  },
  {
    method: 'PATCH',
    route: `${ACCOUNT}/webhooks/:webhook_id`,
    auth,
    envelope: chatwootEnvelope,
    // Rails' ParamsWrapper form (`{webhook: {...}}`) and the SDK's bare form, alternately (docs/providers/chatwoot.md).
    prepare: (env) => {
      const change = { subscriptions: ['message_created'] };
      return request({ webhook_id: env.webhookId }, json(++env.seq % 2 === 0 ? { webhook: change } : change));
    },
  },
  {
    method: 'PUT',
    route: `${ACCOUNT}/webhooks/:webhook_id`,
    auth,
    envelope: chatwootEnvelope,
    prepare: (env) => {
      const n = ++env.seq;
      const change = {
        url: `https://hooks.test/put-${n}`,
        subscriptions: ['conversation_created', 'message_created'],
      };
      return request({ webhook_id: env.webhookId }, json(n % 2 === 0 ? { webhook: change } : change));
    },
  },
  {
    method: 'DELETE',
    route: `${ACCOUNT}/webhooks/:webhook_id`,
    auth,
    envelope: chatwootEnvelope,
    prepare: async (env, sim) => request({ webhook_id: await createWebhook(sim, env) }, { kind: 'none' }),
  },
];

// Client (public) API: no token, the inbox identifier and the contact's source id are the credentials.
const PUBLIC = '/public/api/v1/inboxes/:inbox_identifier';
const PUBLIC_CONVERSATION = `${PUBLIC}/contacts/:contact_identifier/conversations/:conversation_id`;
const publicRequest = (params: Record<string, string>, body: unknown): ValidRequest => ({
  params: { inbox_identifier: 'inbox-1', contact_identifier: 'contact-source-1', ...params },
  body: json(body),
});
routes.push(
  ...((
    [
      ['POST', `${PUBLIC}/contacts`, { name: 'Visitor', custom_attributes: { a: 1 } }],
      ['PATCH', `${PUBLIC}/contacts/:contact_identifier`, { name: 'N', custom_attributes: { k: 1 } }],
      ['PUT', `${PUBLIC}/contacts/:contact_identifier`, { name: 'N', custom_attributes: { k: 1 } }],
      ['POST', `${PUBLIC}/contacts/:contact_identifier/conversations`, { custom_attributes: { a: 1 } }],
      ['POST', `${PUBLIC_CONVERSATION}/toggle_status`, {}],
      ['POST', `${PUBLIC_CONVERSATION}/toggle_typing`, { typing_status: 'on' }],
      ['POST', `${PUBLIC_CONVERSATION}/update_last_seen`, {}],
      ['POST', `${PUBLIC_CONVERSATION}/messages`, { content: 'hi', echo_id: 'e1' }],
      [
        'PATCH',
        `${PUBLIC_CONVERSATION}/messages/:message_id`,
        { submitted_values: [{ title: 't', value: 'v' }] },
      ],
    ] as const
  ).map(([method, route, body]) => ({
    method,
    route,
    envelope: chatwootEnvelope,
    prepare: (env: Env) => publicRequest({ conversation_id: env.conversationId, message_id: '1' }, body),
  })) as FuzzRoute<Env>[]),
);

// The web widget's events: a contact inbox of the website inbox and a widget token for it, made per case.
routes.push({
  method: 'POST',
  route: '/api/v1/widget/events',
  envelope: chatwootEnvelope,
  prepare: async (env: Env, sim: Simulator) => {
    const sourceId = `web-${++env.seq}`;
    await sendOk(sim, 'POST', '/api/v1/accounts/1/contacts/1/contact_inboxes', {
      headers: TOKEN,
      json: { inbox_id: 2, source_id: sourceId },
    });
    const secret = (sim.control.state('chatwoot') as ChatwootState).inboxes['2']!.secret;
    return {
      params: {},
      query: [['website_token', 'token-2']],
      headers: { 'x-auth-token': createWidgetToken({ source_id: sourceId, inbox_id: 2 }, secret) },
      body: json({ name: 'webwidget.triggered', event_info: { referer: 'https://shop.test/' } }),
    };
  },
});

// PUT answers as PATCH on the routes that take both.
for (const route of routes.filter(
  (r) =>
    r.method === 'PATCH' &&
    /conversation_id$|message_id$|contact_id$|canned_id$/.test(r.route) &&
    !routes.some((o) => o.method === 'PUT' && o.route === r.route),
)) {
  routes.push({ ...route, method: 'PUT' });
}

defineFuzzSuite<Env>({
  name: 'chatwoot',
  owns: (r) =>
    r.path.startsWith('/api/v1/accounts') ||
    r.path.startsWith('/public/api/v1/inboxes') ||
    r.path.startsWith('/api/v1/widget'),
  routes,
  faults: true,
  async setup(sim) {
    const env: Env = { conversationId: '', webhookId: '', seq: 0 };
    const conversation = await sendOk(sim, 'POST', '/api/v1/accounts/1/conversations', {
      headers: TOKEN,
      json: { source_id: 'contact-source-1' },
    });
    env.conversationId = String(conversation.id);
    env.webhookId = await createWebhook(sim, env);
    await sendOk(sim, 'POST', '/api/v1/accounts/1/canned_responses', {
      headers: TOKEN,
      json: { short_code: 'seed', content: 'x' },
    });
    await sendOk(sim, 'POST', `/api/v1/accounts/1/conversations/${env.conversationId}/messages`, {
      headers: TOKEN,
      json: { content: 'first' },
    });
    return env;
  },
  async probe(sim, env) {
    const inboxes = await send(sim, 'GET', '/api/v1/accounts/1/inboxes', { headers: TOKEN });
    if (inboxes.status !== 200) return `GET inboxes answered ${inboxes.status} ${inboxes.text.slice(0, 200)}`;
    const conversation = await send(sim, 'GET', `/api/v1/accounts/1/conversations/${env.conversationId}`, {
      headers: TOKEN,
    });
    return conversation.status === 200
      ? null
      : `GET the conversation answered ${conversation.status} ${conversation.text.slice(0, 200)}`;
  },
  snapshot: (sim) => sim.control.state('chatwoot'),
});
