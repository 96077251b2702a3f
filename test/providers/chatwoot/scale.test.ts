import { expect, test } from 'vitest';
import type { OutboundRequest } from '../../../src/dispatcher.ts';
import type { ProviderContext } from '../../../src/provider/contract.ts';
import { type ChatwootState, getConversation } from '../../../src/providers/chatwoot/model.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { guardScans } from '../../support/scan-guard.ts';
import { fillConversations, textMessage } from './fill.ts';
import { call, createChatwootSimWithContext } from './helpers.ts';

/** Stored contacts, conversations and messages: more than THRESHOLD of each. */
const STORED = 1500;
const THRESHOLD = 1000;
const FAILING_INBOX_HOOK = 'http://sut.test/api-inbox';

type Filled = {
  sim: Simulator;
  ctx: ProviderContext<ChatwootState>;
  /** Display id of the conversation the checks act on: in inbox 3, with STORED messages. */
  displayId: number;
};

/**
 * A simulator holding STORED contacts, each with a conversation and a message in the default API inbox (the
 * last one in inbox 3, with STORED messages), written in one update (see fill.ts). Inbox 3 is an
 * API inbox whose webhook_url answers 500 (a failed message webhook marks the message failed), and an account
 * webhook takes every event, so the checked requests render and send payloads.
 */
async function createFilledSim(): Promise<Filled> {
  const { sim, ctx } = await createChatwootSimWithContext({
    fixtures: {
      chatwoot: {
        inboxes: [
          {
            id: 3,
            account_id: 1,
            name: 'Failing API inbox',
            channel_type: 'Channel::Api',
            webhook_url: FAILING_INBOX_HOOK,
            member_ids: [1, 2],
          },
        ],
      },
    },
    send: async (request: OutboundRequest) => ({
      status: request.url === FAILING_INBOX_HOOK ? 500 : 200,
      body: '',
    }),
  });
  const now = ctx.clock.now();
  const displayId = ctx.update((s) => {
    const last = fillConversations(s, now, {
      count: STORED,
      inboxOf: (i) => (i === STORED ? 3 : 1),
      messagesOf: (i) =>
        Array.from({ length: i === STORED ? STORED : 1 }, (_, k) =>
          textMessage(`filler ${i}.${k + 1}`, (k + 1) % 2 === 0 ? 'incoming' : 'outgoing', 1),
        ),
    });
    return getConversation(s, last)!.display_id;
  });
  const hook = await call(sim, 'POST', '/1/webhooks', { url: 'http://sut.test/account' });
  expect(hook.status).toBe(200);
  // Open it, so that actions and writes act on an open conversation.
  expect(
    (await call(sim, 'POST', `/1/conversations/${displayId}/toggle_status`, { status: 'open' })).status,
  ).toBe(200);
  await sim.control.idle();
  return { sim, ctx, displayId };
}

/** Runs `run` under the scan guard and answers what it scanned. */
async function scansOf<T>(run: () => Promise<T>): Promise<string[]> {
  return (await guardScans(THRESHOLD, run)).scans;
}

/** Sends one request under the guard; expects `status` and no scan. */
async function expectNoScan(f: Filled, method: string, path: string, body: unknown, status = 200) {
  let answered = 0;
  const scans = await scansOf(async () => {
    answered = (await call(f.sim, method, path, body)).status;
    await f.sim.control.idle();
  });
  expect(answered, `${method} ${path}`).toBe(status);
  expect(scans, `${method} ${path}`).toEqual([]);
}

test('with 1,500 conversations, contacts and messages stored, no write route reads a whole collection', async () => {
  const f = await createFilledSim();
  const conv = `/1/conversations/${f.displayId}`;
  await expectNoScan(f, 'POST', '/1/conversations', {
    inbox_id: 1,
    contact_id: 7,
    message: { content: 'new one' },
  });
  await expectNoScan(f, 'POST', '/1/conversations', { source_id: 'fill-9', status: 'pending' });
  await expectNoScan(f, 'POST', '/1/conversations', { source_id: 'nobody' }, 404);
  await expectNoScan(f, 'POST', `${conv}/messages`, { content: 'agent reply' });
  await expectNoScan(f, 'POST', `${conv}/toggle_status`, { status: 'resolved' });
  await expectNoScan(f, 'POST', `${conv}/messages`, { content: 'back again', message_type: 'incoming' });
  await expectNoScan(f, 'POST', `${conv}/toggle_status`, {});
  await expectNoScan(f, 'POST', `${conv}/toggle_typing_status`, { typing_status: 'on' });
  await expectNoScan(f, 'POST', `${conv}/assignments`, { assignee_id: 2 });
  await expectNoScan(f, 'POST', `${conv}/assignments`, { team_id: 1 });
  await expectNoScan(
    f,
    'POST',
    '/1/contacts',
    {
      name: 'Late',
      email: 'person5@fill.test',
      inbox_id: 1,
    },
    422,
  );
  await expectNoScan(f, 'POST', '/1/contacts', { name: 'Late', email: 'late@x.test', inbox_id: 1 });
  await expectNoScan(f, 'POST', '/1/webhooks', { url: 'http://sut.test/second' });
  await expectNoScan(f, 'PATCH', '/1/webhooks/2', { subscriptions: ['message_created'] });
  await expectNoScan(f, 'DELETE', '/1/webhooks/2', undefined);
  await expectNoScan(f, 'POST', '/1/conversations/filter', {
    payload: [{ attribute_key: 'status', filter_operator: 'equal_to', values: ['open'] }],
  });
  await expectNoScan(f, 'PATCH', `${conv}`, { priority: 'high' });
  await expectNoScan(f, 'POST', `${conv}/labels`, { labels: ['a', 'b'] });
  await expectNoScan(f, 'POST', `${conv}/custom_attributes`, { custom_attributes: { x: 1 } });
  await expectNoScan(f, 'POST', `${conv}/update_last_seen`, undefined);
  await expectNoScan(f, 'POST', `${conv}/unread`, undefined);
  await expectNoScan(f, 'PATCH', `${conv}/messages/1`, { status: 'read' }, 404);
  await expectNoScan(f, 'PATCH', '/1/contacts/1400', { name: 'Renamed', email: 'renamed@fill.test' });
  await expectNoScan(f, 'POST', '/1/contacts/1400/contact_inboxes', { inbox_id: 2 });
  await expectNoScan(f, 'POST', `${conv}/mute`, undefined);
  await expectNoScan(f, 'POST', `${conv}/unmute`, undefined);
  // The failed API-inbox webhooks marked the checked conversation's new messages failed (delivery hook), once
  // WebhookJob's 4 retries (3 s, 18 s, 83 s, 258 s) were spent.
  await f.sim.control.advance('2h');
  await f.sim.control.idle();
  const messages = await call(f.sim, 'GET', `${conv}/messages`);
  // The last chat message (mute and unmute wrote activity messages after it).
  const chat = messages.json.payload.filter((m: { message_type: number }) => m.message_type !== 2);
  expect(chat.at(-1)).toMatchObject({ content: 'back again', status: 'failed' });
  await expectNoScan(f, 'DELETE', conv, undefined);
}, 60_000);

test('with 1,500 conversations, contacts and messages stored, reads answer one page without a scan', async () => {
  const f = await createFilledSim();
  const conv = `/1/conversations/${f.displayId}`;
  await expectNoScan(f, 'GET', '/1/conversations', undefined);
  await expectNoScan(f, 'GET', '/1/conversations?status=all&page=7', undefined);
  await expectNoScan(f, 'GET', '/1/conversations?assignee_type=unassigned&inbox_id=1&page=3', undefined);
  await expectNoScan(f, 'GET', '/1/conversations/meta?status=resolved', undefined);
  await expectNoScan(f, 'GET', '/1/conversations?q=filler%201400.1', undefined);
  await expectNoScan(f, 'GET', '/1/conversations?status=all&q=nothing-has-this', undefined);
  await expectNoScan(f, 'GET', conv, undefined);
  await expectNoScan(f, 'GET', `${conv}/messages`, undefined);
  await expectNoScan(f, 'GET', `${conv}/messages?before=1000`, undefined);
  await expectNoScan(f, 'GET', '/1/contacts?page=50', undefined);
  await expectNoScan(f, 'GET', '/1/contacts/search?q=person14', undefined);
  await expectNoScan(f, 'GET', '/1/contacts/1400', undefined);
  await expectNoScan(f, 'GET', '/1/webhooks', undefined);
  await expectNoScan(f, 'GET', `${conv}/messages?after=1&filter_internal_messages=1`, undefined);
  await expectNoScan(f, 'GET', `${conv}/labels`, undefined);
  await expectNoScan(f, 'GET', '/1/contacts/1400/conversations', undefined);
  await expectNoScan(f, 'GET', '/1/contacts/1/conversations', undefined);
  const agent = await call(f.sim, 'GET', '/1/conversations?assignee_type=me&status=all', undefined, {
    api_access_token: 'chatwoot-agent-token',
  });
  expect(agent.json.data.meta).toEqual({
    mine_count: STORED / 2,
    assigned_count: STORED / 2,
    unassigned_count: STORED / 2,
    all_count: STORED,
  });
}, 60_000);

test('with 1,500 conversations, contacts and messages stored, no action reads a whole collection', async () => {
  const f = await createFilledSim();
  const act = (action: string, args: unknown) =>
    scansOf(async () => {
      await f.sim.control.act({ provider: 'chatwoot', conversationId: `1:${f.displayId}`, action, args });
      await f.sim.control.idle();
    });
  expect(await act('agent.say', { text: 'hello' })).toEqual([]);
  expect(await act('agent.typing', { typing: true })).toEqual([]);
  expect(await act('agent.join', { agentId: 2 })).toEqual([]);
  expect(await act('customer.say', { text: 'hi' })).toEqual([]);
  expect(await act('customer.typing', { typing: false })).toEqual([]);
  expect(await act('raw.event', { type: 'message_created', body: { x: 1 } })).toEqual([]);
  expect(await act('agent.complete', {})).toEqual([]);
}, 60_000);
