import { describe, expect, test } from 'vitest';
import { call, createChatwootSim } from './helpers.ts';

const body = { source_id: 'contact-source-1' };

describe('chatwoot authentication', () => {
  test('a request without a token answers 401 You need to sign in or sign up before continuing', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', body, {});
    expect(res).toMatchObject({
      status: 401,
      json: { errors: ['You need to sign in or sign up before continuing.'] },
    });
  });

  test('an unknown token answers 401 Invalid Access Token and creates nothing', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', body, { api_access_token: 'wrong' });
    expect(res).toMatchObject({ status: 401, json: { error: 'Invalid Access Token' } });
    expect(sim.control.conversations({ provider: 'chatwoot' })).toEqual([]);
  });

  test('the Api-Access-Token header is accepted case-insensitively', async () => {
    const sim = await createChatwootSim();
    expect(
      (await call(sim, 'GET', '/1/inboxes', undefined, { 'Api-Access-Token': 'chatwoot-token' })).status,
    ).toBe(200);
    expect(
      (await call(sim, 'GET', '/1/inboxes', undefined, { API_ACCESS_TOKEN: 'chatwoot-token' })).status,
    ).toBe(200);
  });

  test('Authorization Bearer alone is not accepted', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'GET', '/1/inboxes', undefined, { authorization: 'Bearer chatwoot-token' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ errors: ['You need to sign in or sign up before continuing.'] });
  });

  test('an unknown account answers 404 Resource could not be found', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'GET', '/42/inboxes');
    expect(res).toMatchObject({ status: 404, json: { error: 'Resource could not be found' } });
  });

  test('a user outside the account answers 401 You are not authorized to access this account', async () => {
    const sim = await createChatwootSim({ fixtures: { accounts: [{ id: 2, name: 'Other' }] } });
    const res = await call(sim, 'GET', '/2/inboxes');
    expect(res).toMatchObject({
      status: 401,
      json: { error: 'You are not authorized to access this account' },
    });
  });

  test('an agent bot token on a non-bot endpoint answers 401 Access to this endpoint is not authorized for bots', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'GET', '/1/inboxes', undefined, { api_access_token: 'chatwoot-bot-token' });
    expect(res).toMatchObject({
      status: 401,
      json: { error: 'Access to this endpoint is not authorized for bots' },
    });
  });

  test('an agent bot token may create conversations and messages', async () => {
    const sim = await createChatwootSim();
    const bot = { api_access_token: 'chatwoot-bot-token' };
    const conv = await call(sim, 'POST', '/1/conversations', body, bot);
    expect(conv.status).toBe(200);
    const msg = await call(
      sim,
      'POST',
      `/1/conversations/${conv.json.id}/messages`,
      { content: 'beep' },
      bot,
    );
    expect(msg.json.sender).toMatchObject({ id: 1, type: 'agent_bot' });
  });

  test('a non-administrator on webhooks answers 401 You are not authorized to do this action', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'GET', '/1/webhooks', undefined, {
      api_access_token: 'chatwoot-agent-token',
    });
    expect(res).toMatchObject({ status: 401, json: { error: 'You are not authorized to do this action' } });
  });

  test('an agent who is not a member of the inbox cannot create a conversation in it', async () => {
    const sim = await createChatwootSim();
    const res = await call(
      sim,
      'POST',
      '/1/conversations',
      { inbox_id: 2, contact_id: 1 },
      { api_access_token: 'chatwoot-agent-token' },
    );
    expect(res).toMatchObject({ status: 401, json: { error: 'You are not authorized to do this action' } });
  });

  // Issue 15 item 7: Rails answers an unknown route {"status":404,"error":"Not Found"} (PublicExceptions), not the
  // record miss body, so "not simulated" never reads as "gone".
  test('an unknown route under the base path answers Rails routing 404, told apart from a missing record', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'GET', '/1/automation_rules');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ status: 404, error: 'Not Found' });
    const missing = await call(sim, 'GET', '/1/conversations/999');
    expect(missing.json).toEqual({ error: 'Resource could not be found' });
  });

  test('the unknown-route explanation names the nearest routes', async () => {
    const sim = await createChatwootSim();
    const res = await sim.app.request('/api/v1/accounts/1/conversations/1/message', {
      headers: { api_access_token: 'chatwoot-token' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-convosim-unmatched')).toContain('/messages');
  });
});
