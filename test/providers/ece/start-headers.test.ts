// Seed 003 "Request headers", "401", "403", "406"; reference 2.1 (tokens).
import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import type { EceContext } from '../../../src/providers/ece/effects.ts';
import { eceProvider } from '../../../src/providers/ece/index.ts';
import { createEceSim, getToken, SHORT_BASE, settle, start, startOk, wsError } from './helpers.ts';

describe('start conversation headers', () => {
  test('start without an Authorization header answers 401 WSError', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await start(sim, { token: null }))).toMatchObject({ status: 401, code: '401-101' });
  });

  test('start with an Authorization header that is not "Bearer <token>" answers 401', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, { headers: { authorization: 'Basic ZWNlOmVjZQ==' } });
    expect(await wsError(res)).toMatchObject({ status: 401, code: '401-102' });
  });

  test('start with a token that has no session answers 401', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await start(sim, { token: 'no-such-token' }))).toMatchObject({
      status: 401,
      code: '401-103',
    });
  });

  test('start with an expired token answers 401', async () => {
    const { sim } = await createEceSim();
    const token = await getToken(sim);
    await sim.control.advance('86400s');
    expect(await wsError(await start(sim, { token }))).toMatchObject({ status: 401, code: '401-103' });
  });

  test('start with a session that is not a client application session answers 401', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, { token: 'ece-user-session-token' });
    expect(await wsError(res)).toMatchObject({ status: 401, code: '401-104' });
  });

  test('start from a client application that is not of type Chat answers 403', async () => {
    const { sim } = await createEceSim();
    const token = await getToken(sim, 'ece-email-key', 'ece-email-secret');
    expect(await wsError(await start(sim, { token }))).toMatchObject({ status: 403, code: '403-101' });
  });

  test('start on an entry point the client application is not configured for answers 403', async () => {
    const { sim } = await createEceSim();
    const body = {
      entryPointConfiguration: {
        entryPoint: { id: 1002 },
        lastModified: { date: '2024-11-05T09:30:00.000Z' },
      },
    };
    expect(await wsError(await start(sim, { body }))).toMatchObject({ status: 403, code: '403-102' });
  });

  test('Accept application/xml renders the Conversation in XML', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, { headers: { accept: 'application/xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml');
    expect(await res.text()).toMatch(
      /^<\?xml[^>]*\?><conversation><id>[0-9a-f-]{36}<\/id><activity><id>\d+<\/id>/,
    );
  });

  test('Accept application/xml renders a WSError in XML', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, { token: null, headers: { accept: 'application/xml' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/xml');
    expect(await res.text()).toContain('<WSError><code>401-101</code><developerMessage>');
  });

  test('an Accept header naming neither JSON nor XML answers 406', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, { headers: { accept: 'text/html' } });
    expect(await wsError(res)).toMatchObject({ status: 406, code: '406-102' });
  });

  test('a supported Accept-Language localizes the WSError userMessage', async () => {
    const { sim } = await createEceSim();
    const english = await wsError(await start(sim, { token: null }));
    const french = await wsError(await start(sim, { token: null, headers: { 'accept-language': 'fr-FR' } }));
    expect(english.userMessage).toBe('Authorization header is not provided.');
    expect(french.userMessage).toBe("L'en-tête Authorization est absent.");
    expect(french.developerMessage).toBe(english.developerMessage);
  });

  test('an Accept-Language list picks the first supported language', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, { token: null, headers: { 'accept-language': 'ja-JP;q=0.9, es;q=0.8' } });
    expect((await wsError(res)).userMessage).toBe('No se ha indicado la cabecera Authorization.');
  });

  test('an invalid Accept-Language answers 406', async () => {
    const { sim } = await createEceSim();
    for (const value of ['xx-YY', 'en_US!!']) {
      const res = await start(sim, { headers: { 'accept-language': value } });
      expect(await wsError(res)).toMatchObject({ status: 406, code: '406-101' });
    }
  });

  test('the short /ws/v19/clientapplications base path serves the same routes', async () => {
    const { sim } = await createEceSim();
    const conversation = await startOk(sim, { base: SHORT_BASE });
    expect(conversation.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('an injected fault answers 500 WSError', async () => {
    const { sim } = await createEceSim();
    sim.control.addFault({ provider: 'ece', path: '**/conversation/start', status: 500, times: 1 });
    const error = await wsError(await start(sim));
    expect(error).toMatchObject({ status: 500, code: '500-101' });
    expect((await start(sim)).status).toBe(200);
  });

  test('an internal error answers 500 WSError without a stack trace', async () => {
    const app = new Hono();
    const ctx = { state: () => ({ settings: { languages: ['en-US'] } }) } as unknown as EceContext;
    app.get('/x', (c) =>
      eceProvider.renderError(c, { status: 500, kind: 'internal', message: 'Internal server error' }, ctx),
    );
    const res = await app.request('/x', { headers: { accept: 'application/json' } });
    const body = await wsError(res);
    expect(body).toMatchObject({ status: 500, code: '500-101', developerMessage: 'Internal server error' });
  });

  test("errors the core answers use the partition's default language when Accept-Language is absent", async () => {
    const { sim } = await createEceSim({
      fixtures: { ece: { settings: { languages: ['fr-FR', 'en-US'] } } },
    });
    const res = await sim.app.request('/system/ws/v19/clientapplications/no/such/route', {
      headers: { accept: 'application/json' },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { userMessage: string }).userMessage).toBe("La ressource n'existe pas.");
  });

  test('a started conversation is listed by the admin API', async () => {
    const { sim } = await createEceSim();
    const conversation = await startOk(sim);
    await settle(sim);
    expect(sim.control.conversations({ provider: 'ece' })).toEqual([
      expect.objectContaining({
        id: conversation.id,
        status: 'assigned',
        participants: ['customer:anonymous', 'agent:1'],
      }),
    ]);
  });
});
