// Who may call what, as Chatwoot 4.12 answers: app/controllers/concerns/access_token_auth_helper.rb
// (BOT_ACCESSIBLE_ENDPOINTS), app/policies/{conversation,inbox,webhook,contact}_policy.rb, and
// request_exception_handler.rb (Pundit::NotAuthorizedError -> 401). Agent 2 (chatwoot-agent-token) is a member
// of inbox 1 only; inbox 2 (Website) is the administrator's.
import { describe, expect, test } from 'vitest';
import { call, createChatwootSim } from './helpers.ts';

const AGENT = { api_access_token: 'chatwoot-agent-token' };
const BOT = { api_access_token: 'chatwoot-bot-token' };
const NOT_ALLOWED = { error: 'You are not authorized to do this action' };
const BOT_REFUSED = { error: 'Access to this endpoint is not authorized for bots' };

/** A simulator with conversation 1 in inbox 1 (the agent's) and conversation 2 in inbox 2 (not the agent's). */
async function setup() {
  const sim = await createChatwootSim();
  await call(sim, 'POST', '/1/conversations', { source_id: 'contact-source-1' });
  await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1 });
  return sim;
}

describe('chatwoot permissions', () => {
  // spec/controllers/api/v1/accounts/conversations_controller_spec.rb: 'returns unauthorized for agent not in inbox'
  test.each([
    ['GET', '/1/conversations/2', undefined],
    ['GET', '/1/conversations/2/messages', undefined],
    ['POST', '/1/conversations/2/messages', { content: 'x' }],
    ['POST', '/1/conversations/2/toggle_status', { status: 'resolved' }],
    ['POST', '/1/conversations/2/toggle_typing_status', { typing_status: 'on' }],
    ['POST', '/1/conversations/2/assignments', { assignee_id: 2 }],
  ])('an agent outside the inbox gets 401 on %s %s and nothing changes', async (method, path, body) => {
    const sim = await setup();
    const before = (await call(sim, 'GET', '/1/conversations/2')).json;
    const res = await call(sim, method, path, body, AGENT);
    expect(res.status).toBe(401);
    expect(res.json).toEqual(NOT_ALLOWED);
    const after = (await call(sim, 'GET', '/1/conversations/2')).json;
    expect(after.status).toBe(before.status);
    expect(after.messages).toEqual(before.messages);
    expect(after.meta.assignee).toBeUndefined();
  });

  test('an unknown conversation is 404 for an agent before the inbox check', async () => {
    const sim = await setup();
    const res = await call(sim, 'GET', '/1/conversations/99', undefined, AGENT);
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: 'Resource could not be found' });
  });

  test('an agent reads and writes the conversations of their inbox', async () => {
    const sim = await setup();
    expect((await call(sim, 'GET', '/1/conversations/1', undefined, AGENT)).status).toBe(200);
    expect((await call(sim, 'POST', '/1/conversations/1/messages', { content: 'hi' }, AGENT)).status).toBe(
      200,
    );
  });

  test('an agent lists only the conversations of their inboxes', async () => {
    const sim = await setup();
    const res = await call(sim, 'GET', '/1/conversations?status=all', undefined, AGENT);
    expect(res.json.data.payload.map((c: { id: number }) => c.id)).toEqual([1]);
    expect(res.json.data.meta.all_count).toBe(1);
  });

  test.each([
    ['GET', '/1/conversations/1'],
    ['GET', '/1/conversations'],
    ['GET', '/1/conversations/1/messages'],
    ['POST', '/1/conversations/1/toggle_typing_status'],
    ['GET', '/1/contacts'],
    ['GET', '/1/inboxes'],
    ['GET', '/1/webhooks'],
  ])('a bot token gets 401 for bots on %s %s', async (method, path) => {
    const sim = await setup();
    const res = await call(sim, method, path, method === 'GET' ? undefined : {}, BOT);
    expect(res.status).toBe(401);
    expect(res.json).toEqual(BOT_REFUSED);
  });

  test('a bot token may reply, toggle the status and assign, in any inbox of its account', async () => {
    const sim = await setup();
    expect((await call(sim, 'POST', '/1/conversations/2/messages', { content: 'bot' }, BOT)).status).toBe(
      200,
    );
    expect(
      (await call(sim, 'POST', '/1/conversations/2/toggle_status', { status: 'open' }, BOT)).status,
    ).toBe(200);
    expect((await call(sim, 'POST', '/1/conversations/2/assignments', { assignee_id: 1 }, BOT)).status).toBe(
      200,
    );
  });

  // spec/controllers/api/v1/accounts/webhooks_controller_spec.rb: 'returns unauthorized for agent'
  test('an agent is refused the webhooks with 401', async () => {
    const sim = await setup();
    const res = await call(sim, 'POST', '/1/webhooks', { url: 'https://x.test/h' }, AGENT);
    expect(res.status).toBe(401);
    expect(res.json).toEqual(NOT_ALLOWED);
  });

  // spec/controllers/api/v1/accounts/inboxes_controller_spec.rb: agents see only their inboxes
  test('an agent sees only the inboxes they are a member of, and gets 401 on another inbox', async () => {
    const sim = await setup();
    const list = await call(sim, 'GET', '/1/inboxes', undefined, AGENT);
    expect(list.json.payload.map((i: { id: number }) => i.id)).toEqual([1]);
    const other = await call(sim, 'GET', '/1/inboxes/2', undefined, AGENT);
    expect(other.status).toBe(401);
  });

  // _inbox.json.jbuilder: `hmac_mandatory` for every inbox, `hmac_token ... if Current.account_user&.administrator?`
  test("an API inbox's hmac_token is shown to administrators only; hmac_mandatory to everyone", async () => {
    const sim = await setup();
    const admin = await call(sim, 'GET', '/1/inboxes/1');
    expect(admin.json.channel_type).toBe('Channel::Api');
    expect(admin.json).toMatchObject({ hmac_mandatory: false, hmac_token: expect.any(String) });
    const agent = await call(sim, 'GET', '/1/inboxes/1', undefined, AGENT);
    expect(agent.json.hmac_mandatory).toBe(false);
    expect(agent.json).not.toHaveProperty('hmac_token');
    const listed = await call(sim, 'GET', '/1/inboxes', undefined, AGENT);
    expect(listed.json.payload[0]).not.toHaveProperty('hmac_token');
  });
});
