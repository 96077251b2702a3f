// GET /api/v1/profile (Api::V1::ProfilesController#show, api/v1/models/_user.json.jbuilder;
// spec/controllers/api/v1/profiles_controller_spec.rb: 'returns current user information').
import { describe, expect, test } from 'vitest';
import { createChatwootSim } from './helpers.ts';

async function profile(token?: string) {
  const sim = await createChatwootSim();
  const res = await sim.app.request('/api/v1/profile', { headers: token ? { api_access_token: token } : {} });
  return { status: res.status, json: await res.json() };
}

describe('chatwoot profile', () => {
  test('the profile is the caller with its access token and accounts', async () => {
    const res = await profile('chatwoot-agent-token');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: 2,
      email: 'bob@acme.test',
      access_token: 'chatwoot-agent-token',
      role: 'agent',
      accounts: [{ id: 1, name: 'Acme Inc', role: 'agent' }],
    });
  });

  test('without a token it is 401 sign in, with a bot token 401 for bots', async () => {
    expect(await profile()).toEqual({
      status: 401,
      json: { errors: ['You need to sign in or sign up before continuing.'] },
    });
    expect((await profile('chatwoot-bot-token')).json).toEqual({
      error: 'Access to this endpoint is not authorized for bots',
    });
    expect((await profile('nope')).json).toEqual({ error: 'Invalid Access Token' });
  });
});
