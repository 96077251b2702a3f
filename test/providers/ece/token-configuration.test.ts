// Reference 2.1 (Authentication API) and 2.2 (entry point configuration).
import { describe, expect, test } from 'vitest';
import {
  BASE,
  createEceSim,
  eceAdmin,
  getToken,
  LAST_MODIFIED,
  SHORT_BASE,
  start,
  startBody,
  wsError,
} from './helpers.ts';

const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

function requestToken(
  sim: Awaited<ReturnType<typeof createEceSim>>['sim'],
  authorization: string | null,
  body = 'grant_type=client_credentials',
  query = '',
) {
  return sim.app.request(`${BASE}/authentication/oauth2/token${query}`, {
    method: 'POST',
    headers: {
      ...(authorization === null ? {} : { authorization }),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body,
  });
}

function getConfiguration(
  sim: Awaited<ReturnType<typeof createEceSim>>['sim'],
  token: string,
  query: string,
) {
  return sim.app.request(`${BASE}/messaging/configuration${query}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
}

describe('authentication API', () => {
  test('token with Basic client key and secret and grant_type=client_credentials answers a Bearer token for 86400 s', async () => {
    const { sim } = await createEceSim();
    const res = await requestToken(sim, basic('ece-chat-key', 'ece-chat-secret'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f-]{36}$/),
      expires_in: 86400,
      token_type: 'Bearer',
    });
  });

  test('token with a wrong client secret answers 401', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await requestToken(sim, basic('ece-chat-key', 'nope')))).toMatchObject({
      status: 401,
      code: '401-105',
    });
  });

  test('token without Basic authorization answers 401', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await requestToken(sim, null))).toMatchObject({ status: 401, code: '401-101' });
    expect(await wsError(await requestToken(sim, 'Bearer abc'))).toMatchObject({
      status: 401,
      code: '401-102',
    });
  });

  test('token without grant_type=client_credentials answers 400', async () => {
    const { sim } = await createEceSim();
    const res = await requestToken(sim, basic('ece-chat-key', 'ece-chat-secret'), 'grant_type=password');
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-119' });
  });

  test('token with forceLogin=yes ends the earlier sessions of the client application', async () => {
    const { sim } = await createEceSim();
    const first = await getToken(sim);
    const res = await requestToken(
      sim,
      basic('ece-chat-key', 'ece-chat-secret'),
      undefined,
      '?forceLogin=yes',
    );
    expect(res.status).toBe(200);
    const second = ((await res.json()) as { access_token: string }).access_token;
    expect(await wsError(await start(sim, { token: first }))).toMatchObject({ status: 401, code: '401-103' });
    expect((await start(sim, { token: second })).status).toBe(200);
  });

  test('token without forceLogin leaves earlier sessions valid', async () => {
    const { sim } = await createEceSim();
    const first = await getToken(sim);
    await getToken(sim);
    expect((await start(sim, { token: first })).status).toBe(200);
  });

  test('tokens expire after 86400 seconds on the simulator clock', async () => {
    const { sim } = await createEceSim();
    const token = await getToken(sim);
    await sim.control.advance('86399s');
    expect((await start(sim, { token })).status).toBe(200);
    await sim.control.advance('1s');
    expect((await start(sim, { token })).status).toBe(401);
  });

  test('expired sessions are forgotten by a later token request, oldest first', async () => {
    const { sim } = await createEceSim();
    const old = await getToken(sim);
    await sim.control.advance('1h');
    const younger = await getToken(sim);
    await sim.control.advance('86399s');
    const fresh = await getToken(sim);
    const sessions = (sim.control.state('ece') as { sessions: Record<string, unknown> }).sessions;
    expect([old, younger, fresh].map((t) => t in sessions)).toEqual([false, true, true]);
  });

  test('forceLogin=yes of one application leaves the sessions of another valid', async () => {
    const { sim } = await createEceSim();
    const other = await getToken(sim, 'ece-email-key', 'ece-email-secret');
    const res = await requestToken(
      sim,
      basic('ece-chat-key', 'ece-chat-secret'),
      undefined,
      '?forceLogin=yes',
    );
    expect(res.status).toBe(200);
    expect(await wsError(await start(sim, { token: other }))).toMatchObject({ status: 403, code: '403-101' });
  });

  test('the short base path serves the token endpoint', async () => {
    const { sim } = await createEceSim();
    const res = await sim.app.request(`${SHORT_BASE}/authentication/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: basic('ece-chat-key', 'ece-chat-secret'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
  });
});

describe('entry point configuration', () => {
  test('configuration answers entryPointConfiguration with lastModified.date', async () => {
    const { sim } = await createEceSim();
    const res = await getConfiguration(sim, await getToken(sim), '?entrypoint=1001');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { entryPointConfiguration: Array<Record<string, unknown>> };
    expect(body.entryPointConfiguration[0]).toMatchObject({
      entryPoint: { id: '1001' },
      lastModified: { date: LAST_MODIFIED },
    });
  });

  test('configuration of an entry point the application is not configured for answers 403', async () => {
    const { sim } = await createEceSim();
    const res = await getConfiguration(sim, await getToken(sim), '?entrypoint=1002');
    expect(await wsError(res)).toMatchObject({ status: 403, code: '403-102' });
  });

  test('configuration without a numeric entrypoint answers 400', async () => {
    const { sim } = await createEceSim();
    const token = await getToken(sim);
    expect(await wsError(await getConfiguration(sim, token, ''))).toMatchObject({
      status: 400,
      code: '400-103',
    });
    expect(await wsError(await getConfiguration(sim, token, '?entrypoint=abc'))).toMatchObject({
      status: 400,
    });
  });

  test('configuration without a Bearer token answers 401', async () => {
    const { sim } = await createEceSim();
    const res = await sim.app.request(`${BASE}/messaging/configuration?entrypoint=1001`);
    expect(await wsError(res)).toMatchObject({ status: 401, code: '401-101' });
  });

  test('after the entry point changes a start with the cached lastModified.date answers 409', async () => {
    const { sim } = await createEceSim();
    const token = await getToken(sim);
    await sim.control.advance('1h');
    expect((await eceAdmin(sim, 'PUT', '/entry-points/1001', {})).status).toBe(200);
    expect(await wsError(await start(sim, { token }))).toMatchObject({ status: 409, code: '409-101' });
    const fresh = (await (await getConfiguration(sim, token, '?entrypoint=1001')).json()) as {
      entryPointConfiguration: Array<{ lastModified: { date: string } }>;
    };
    const date = fresh.entryPointConfiguration[0]!.lastModified.date;
    expect(date).toBe('2025-01-01T01:00:00.000Z');
    const body = {
      ...startBody(),
      entryPointConfiguration: { entryPoint: { id: 1001 }, lastModified: { date } },
    };
    expect((await start(sim, { token, body })).status).toBe(200);
  });
});
