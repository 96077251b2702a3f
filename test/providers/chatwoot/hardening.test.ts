import { describe, expect, test } from 'vitest';
import { call, createChatwootSim, createConversation } from './helpers.ts';

/** An object nested `depth` levels deep, built without recursion. */
function nest(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const PARAM_MISSING = { error: 'param is missing or the value is empty: webhook' };

describe('chatwoot hostile input', () => {
  test('a webhook create whose webhook key is not an object answers 422 ParameterMissing and logs no input', async () => {
    const lines: string[] = [];
    const sim = await createChatwootSim({ logger: (level, message) => lines.push(`${level} ${message}`) });
    for (const webhook of ['https://x.test/a\nFORGED error line', 42, ['https://x.test'], null, true]) {
      const res = await call(sim, 'POST', '/1/webhooks', { webhook, url: 'https://x.test/b' });
      expect(res, JSON.stringify(webhook)).toMatchObject({ status: 422, json: PARAM_MISSING });
    }
    expect((await call(sim, 'GET', '/1/webhooks')).json.payload).toEqual([]);
    expect(lines.filter((l) => l.includes('FORGED'))).toEqual([]);
  });

  test('a webhook update whose webhook key is not an object answers 422 ParameterMissing and changes nothing', async () => {
    const sim = await createChatwootSim();
    await call(sim, 'POST', '/1/webhooks', { url: 'https://x.test/a' });
    const res = await call(sim, 'PATCH', '/1/webhooks/1', { webhook: 'https://x.test/b\nFORGED' });
    expect(res).toMatchObject({ status: 422, json: PARAM_MISSING });
    expect((await call(sim, 'GET', '/1/webhooks')).json.payload[0].url).toBe('https://x.test/a');
  });

  test('custom_attributes nested 1,500 deep answer 400 Bad Request and create nothing', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      custom_attributes: nest(1500),
    });
    expect(res).toMatchObject({ status: 400, json: { status: 400, error: 'Bad Request' } });
    const contact = await call(sim, 'POST', '/1/contacts', { name: 'Deep', custom_attributes: nest(1500) });
    expect(contact.status).toBe(400);
    expect((await call(sim, 'GET', '/1/conversations?status=all')).json.data.meta.all_count).toBe(0);
    expect((await call(sim, 'GET', '/1/contacts')).json.meta.count).toBe(1);
  });

  test('a body nested 100 deep is read and one nested 101 deep answers 400, as Ruby JSON max_nesting 100', async () => {
    const sim = await createChatwootSim();
    // The body object is level 1, so custom_attributes may nest 99 objects.
    const ok = await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      custom_attributes: nest(99),
    });
    expect(ok.status).toBe(200);
    const deep = await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      custom_attributes: nest(100),
    });
    expect(deep.status).toBe(400);
  });

  test('multipart content_attributes nested too deep answer 422 and write nothing', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const form = new FormData();
    form.set('content', 'hello');
    form.set('content_attributes', JSON.stringify(nest(1500)));
    const res = await sim.app.request('/api/v1/accounts/1/conversations/1/messages', {
      method: 'POST',
      headers: { api_access_token: 'chatwoot-token' },
      body: form,
    });
    expect(res.status).toBe(422);
    expect((await call(sim, 'GET', '/1/conversations/1/messages')).json.payload).toHaveLength(0);
  });

  test('ids named after Object.prototype members behave like unknown ids', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    for (const id of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect((await call(sim, 'GET', `/1/conversations/${id}`)).status, id).toBe(404);
      expect((await call(sim, 'GET', `/1/contacts/${id}`)).status, id).toBe(404);
      expect((await call(sim, 'GET', `/1/inboxes/${id}`)).status, id).toBe(404);
      expect((await call(sim, 'PATCH', `/1/webhooks/${id}`, { url: 'https://x.test' })).status, id).toBe(404);
      expect((await call(sim, 'GET', `/${id}/conversations`)).status, id).toBe(404);
      const bySource = await call(sim, 'POST', '/1/conversations', { source_id: id });
      expect(bySource, id).toMatchObject({ status: 404, json: { error: 'Resource could not be found' } });
      const token = await call(sim, 'GET', '/1/conversations', undefined, { api_access_token: id });
      expect(token, id).toMatchObject({ status: 401, json: { error: 'Invalid Access Token' } });
      const assign = await call(sim, 'POST', '/1/conversations/1/assignments', { assignee_id: id });
      expect(assign.status, id).toBe(404);
      await expect(
        sim.control.act({
          provider: 'chatwoot',
          conversationId: id,
          action: 'agent.say',
          args: { text: 'x' },
        }),
        id,
      ).rejects.toThrow();
    }
  });

  test('an assignee_type or status named after an Object.prototype member lists like any unknown value', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const all = await call(sim, 'GET', '/1/conversations?assignee_type=constructor');
    expect(all.status).toBe(200);
    expect(all.json.data.payload).toHaveLength(1);
    const none = await call(sim, 'GET', '/1/conversations?status=toString');
    expect(none.status).toBe(200);
    expect(none.json.data.payload).toEqual([]);
  });

  test('a source_id named __proto__ is an ordinary source id', async () => {
    const sim = await createChatwootSim();
    const created = await call(sim, 'POST', '/1/conversations', {
      inbox_id: 1,
      contact_id: 1,
      source_id: '__proto__',
    });
    expect(created.status).toBe(200);
    const again = await call(sim, 'POST', '/1/conversations', { source_id: '__proto__' });
    expect(again).toMatchObject({ status: 200, json: { meta: { sender: { id: 1 } } } });
    const contact = await call(sim, 'GET', '/1/contacts/1');
    expect(contact.json.payload.contact_inboxes.map((ci: { source_id: string }) => ci.source_id)).toEqual([
      'contact-source-1',
      '__proto__',
    ]);
  });

  test('a 100,000-character status, typing_status or filter key answers 422 quoting at most 120 characters of it', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const long = 'x'.repeat(100_000);
    const answers = [
      await call(sim, 'POST', '/1/conversations/1/toggle_status', { status: long }),
      await call(sim, 'POST', '/1/conversations/1/toggle_typing_status', { typing_status: long }),
      await call(sim, 'POST', '/1/conversations', { source_id: 'contact-source-1', status: long }),
      await call(sim, 'POST', '/1/conversations/filter', {
        payload: [{ attribute_key: long, filter_operator: 'equal_to', values: ['open'] }],
      }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(422);
      expect(res.json.error).toContain(`${'x'.repeat(120)}…(+99880 chars)`);
      // The quoted input is cut at 120 characters; the filter key error also lists the allowed keys.
      expect(res.text.length).toBeLessThan(500);
    }
  });
});
