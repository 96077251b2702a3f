import { describe, expect, test } from 'vitest';
import { BASIC, call, createEightByEightSim, getToken, V2, v2Client } from './helpers.ts';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('8x8 Chat API v2 token endpoint', () => {
  test('token with Basic key:secret and grant_type=client_credentials answers the documented AuthResponse', async () => {
    const { sim } = await createEightByEightSim();
    const answer = await call(sim, 'POST', '/oauth/v2/token', {
      headers: { authorization: BASIC, ...form },
      body: 'grant_type=client_credentials',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.json).toMatchObject({
      token_type: 'BearerToken',
      client_id: '8x8-key',
      expires_in: '3600',
      issued_at: String(Date.parse('2025-01-01T00:00:00Z')),
      api_product_list: ['vcc'],
      status: 'approved',
    });
    expect(answer.json.access_token).toMatch(/^[A-Za-z0-9]{28}$/);
  });

  test('token with a wrong secret answers 401 invalid_client in problem+json', async () => {
    const { sim } = await createEightByEightSim();
    const answer = await call(sim, 'POST', '/oauth/v2/token', {
      headers: { authorization: `Basic ${Buffer.from('8x8-key:nope').toString('base64')}`, ...form },
      body: 'grant_type=client_credentials',
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json).toEqual({ ErrorCode: 'invalid_client', Error: 'ClientId is Invalid' });
  });

  test('token without credentials answers 401 invalid_client', async () => {
    const { sim } = await createEightByEightSim();
    const answer = await call(sim, 'POST', '/oauth/v2/token', {
      headers: form,
      body: 'grant_type=client_credentials',
    });
    expect(answer.status).toBe(401);
    expect(answer.json.ErrorCode).toBe('invalid_client');
  });

  test('token with another grant_type answers 400 "Unsupported grant type : <value>"', async () => {
    const { sim } = await createEightByEightSim();
    const answer = await call(sim, 'POST', '/oauth/v2/token', {
      headers: { authorization: BASIC, ...form },
      body: 'grant_type=something',
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      ErrorCode: 'invalid_request',
      Error: 'Unsupported grant type : something',
    });
  });
});

describe('8x8 Chat API v2 Bearer authentication', () => {
  test('a call without a Bearer token answers 401 with the Apigee fault', async () => {
    const { sim } = await createEightByEightSim();
    const answer = await call(sim, 'GET', `${V2}/web-hooks`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json).toEqual({
      fault: {
        faultstring: 'Invalid Access Token',
        detail: { errorcode: 'keymanagement.service.invalid_access_token' },
      },
    });
  });

  test('a call with an unknown token answers 401 Invalid Access Token', async () => {
    const { sim } = await createEightByEightSim();
    const answer = await call(sim, 'GET', `${V2}/channels`, { headers: { authorization: 'Bearer forged' } });
    expect(answer.status).toBe(401);
    expect(answer.json.fault.faultstring).toBe('Invalid Access Token');
  });

  test('a token is rejected with 401 Access Token expired after expires_in seconds', async () => {
    const { sim } = await createEightByEightSim();
    const token = await getToken(sim);
    const api = v2Client(sim, token);
    expect((await api('GET', '/web-hooks')).status).toBe(200);
    await sim.control.advance('3600s');
    const answer = await api('GET', '/web-hooks');
    expect(answer.status).toBe(401);
    expect(answer.json.fault.detail.errorcode).toBe('keymanagement.service.access_token_expired');
  });

  test('another tenant in the path answers 403 "The tenant does not belong to customer."', async () => {
    const { sim } = await createEightByEightSim();
    const token = await getToken(sim);
    const answer = await call(sim, 'GET', '/vcc/us/chat/v2/tenant/other/web-hooks', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      message: 'The tenant does not belong to customer.',
      errors: ['Tenant other does not belong to customer acme.'],
    });
  });

  test('a region outside us, eu, ca, ap answers 400 Constraint Violation', async () => {
    const { sim } = await createEightByEightSim();
    const token = await getToken(sim);
    const answer = await call(sim, 'GET', '/vcc/xx/chat/v2/tenant/acme/web-hooks', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      message: 'Constraint Violation',
      errors: ['region: Must be one of us, eu, ca, ap.'],
    });
  });

  test('another valid region than the tenant region answers 403', async () => {
    const { sim } = await createEightByEightSim();
    const token = await getToken(sim);
    const answer = await call(sim, 'GET', '/vcc/eu/chat/v2/tenant/acme/web-hooks', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(403);
  });
});
