// Issue 3 "Bad input": malformed requests get a 4xx WSError, change nothing; oversized bodies are refused.
import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { BASE, createEceSim, getToken, JANE, settle, start, startBody, startOk } from './helpers.ts';

function snapshot(sim: Awaited<ReturnType<typeof createEceSim>>['sim']) {
  return JSON.stringify(sim.control.conversations({ provider: 'ece' }));
}

describe('bad input', () => {
  test.each([
    ['no query', { query: '' }],
    ['malformed JSON', { body: '{' }],
    ['malformed XML', { body: '<a><b></a>', headers: { 'content-type': 'application/xml' } }],
    ['a body that is a JSON array', { body: '[]' }],
    ['a subject that is an object', { body: JSON.stringify(startBody({ subject: { text: 'x' } })) }],
    ['a non-numeric entry point', { body: JSON.stringify(startBody(undefined, 'abc')) }],
    [
      'a customer with two contacts',
      {
        query: 'searchContactOnAttribute=email.emailAddress',
        body: JSON.stringify(startBody({ customer: { contacts: { contact: [{}, {}] } } })),
      },
    ],
  ])('a start with %s answers a 4xx WSError and creates nothing', async (_name, options) => {
    const { sim } = await createEceSim();
    const before = snapshot(sim);
    const token = await getToken(sim);
    const res = await start(sim, { token, ...options });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await res.json()).toMatchObject({
      code: expect.stringMatching(/^4\d\d-\d{3}$/),
      developerMessage: expect.any(String),
    });
    expect(snapshot(sim)).toBe(before);
    expect((await start(sim, { token })).status).toBe(200);
  });

  test('a failing customer rule does not create the customer', async () => {
    const { sim } = await createEceSim();
    const body = startBody({
      customer: { contacts: { contact: [{ email: [{ emailAddress: 'new@example.com' }] }] } },
      case: { id: 2001 },
    });
    const query = 'searchContactOnAttribute=email.emailAddress';
    expect((await start(sim, { query, body })).status).toBe(400);
    const retry = await startOk(sim, {
      query,
      body: startBody({
        customer: { contacts: { contact: [{ email: [{ emailAddress: 'new@example.com' }] }] } },
      }),
    });
    expect(retry.customer?.id).toBe('3004');
  });

  test('an XML request gets its WSError in XML', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, {
      body: '<bad',
      headers: { 'content-type': 'application/xml', accept: 'application/xml' },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<WSError><code>400-105</code>');
  });

  test('an unknown route under the ECE base path answers a 404 WSError', async () => {
    const { sim } = await createEceSim();
    const res = await sim.app.request(`${BASE}/messaging/conversation/stop`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      code: '404-101',
      developerMessage: expect.stringContaining('conversation'),
    });
  });

  test('an oversized body is refused with 413 WSError and the server keeps serving', async () => {
    const { sim } = await createEceSim({ bodyLimit: 10_000 });
    const token = await getToken(sim);
    const { url } = await sim.listen(0);
    const big = JSON.stringify(startBody({ subject: 'x'.repeat(20_000) }));
    const res = await request(url)
      .post('/system/ws/v19/clientapplications/messaging/conversation/start?anonymousCustomer=yes')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', 'application/json')
      .send(big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: '413-101' });
    const ok = await request(url)
      .post('/system/ws/v19/clientapplications/messaging/conversation/start?anonymousCustomer=yes')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', 'application/json')
      .send(JSON.stringify(startBody()));
    expect(ok.status).toBe(200);
  });

  test('a multipart start over a real socket is accepted', async () => {
    const { sim } = await createEceSim();
    const token = await getToken(sim);
    const { url } = await sim.listen(0);
    const res = await request(url)
      .post(
        '/system/ws/v19/clientapplications/messaging/conversation/start?searchContactOnAttribute=email.emailAddress',
      )
      .set('authorization', `Bearer ${token}`)
      .set('accept', 'application/json')
      .field('request', JSON.stringify(startBody({ customer: JANE })));
    expect(res.status).toBe(200);
    expect(res.body.customer).toEqual({ id: '3001' });
  });

  test('the same seed and the same requests give identical responses and callbacks', async () => {
    const run = async () => {
      const { sim, sent } = await createEceSim();
      const token = await getToken(sim);
      const bodies = [await (await start(sim, { token })).text()];
      bodies.push(
        await (
          await start(sim, {
            token,
            query: 'searchContactOnAttribute=email.emailAddress',
            body: startBody({ customer: JANE }),
          })
        ).text(),
      );
      await settle(sim);
      const id = (JSON.parse(bodies[0]!) as { id: string }).id;
      await sim.control.act({
        provider: 'ece',
        conversationId: id,
        action: 'agent.say',
        args: { text: 'hi' },
      });
      await sim.control.act({ provider: 'ece', conversationId: id, action: 'agent.complete' });
      await sim.control.idle();
      return { token, bodies, callbacks: sent.map((s) => s.body) };
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first.callbacks).toHaveLength(4);
  });

  test('reset restores the fixtures and forgets conversations and tokens', async () => {
    const { sim } = await createEceSim();
    const token = await getToken(sim);
    await startOk(sim, { token });
    await sim.control.reset();
    expect(sim.control.conversations({ provider: 'ece' })).toEqual([]);
    expect((await start(sim, { token })).status).toBe(401);
  });
});
