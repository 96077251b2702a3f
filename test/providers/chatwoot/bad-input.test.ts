import { describe, expect, test } from 'vitest';
import { call, createChatwootSim, createConversation } from './helpers.ts';

describe('chatwoot bad input', () => {
  test('unknown ids, malformed bodies, wrong types and wrong tokens answer Chatwoot errors and change nothing', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const before = sim.control.state('chatwoot');
    const cases: Array<[string, string, unknown, Record<string, string> | undefined, number]> = [
      ['POST', '/1/conversations', { source_id: 'contact-source-1' }, { api_access_token: 'nope' }, 401],
      ['POST', '/1/conversations', { inbox_id: 'abc', contact_id: 1 }, undefined, 404],
      ['POST', '/1/conversations', { source_id: { nested: true } }, undefined, 404],
      [
        'POST',
        '/1/conversations',
        { source_id: 'contact-source-1', snoozed_until: 'tomorrow' },
        undefined,
        422,
      ],
      ['POST', '/1/conversations', '{bad json', undefined, 400],
      ['POST', '/9/conversations', { source_id: 'contact-source-1' }, undefined, 404],
      ['POST', '/1/conversations/9/messages', { content: 'x' }, undefined, 404],
      ['POST', '/1/conversations/1/messages', { content: 42 }, undefined, 422],
      ['POST', '/1/conversations/1/messages', { content: 'x', message_type: 'activity' }, undefined, 422],
      ['POST', '/1/conversations/1/messages', { content: 'x', content_attributes: 'nope' }, undefined, 422],
      ['POST', '/1/conversations/1/toggle_status', { status: 7 }, undefined, 422],
      ['POST', '/1/conversations/1/assignments', { team_id: 'x' }, undefined, 404],
      ['POST', '/1/contacts', { name: 3 }, undefined, 422],
      ['POST', '/1/webhooks', { url: 'ftp://x.test', subscriptions: 'message_created' }, undefined, 422],
      ['PATCH', '/1/webhooks/5', { url: 'https://x.test' }, undefined, 404],
    ];
    for (const [method, path, body, headers, status] of cases) {
      const res = await call(sim, method, path, body, headers);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(typeof res.json, `${method} ${path}`).toBe('object');
    }
    expect(sim.control.state('chatwoot')).toEqual(before);
  });
});
