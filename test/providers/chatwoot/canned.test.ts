// Canned responses (canned_responses_controller.rb, CannedResponse model;
// spec/controllers/api/v1/accounts/canned_responses_controller_spec.rb).
import { describe, expect, test } from 'vitest';
import { call, createChatwootSim } from './helpers.ts';

describe('chatwoot canned responses', () => {
  // canned_responses_controller_spec.rb: 'creates a new canned response' / 'returns all the canned responses'
  test('a canned response is created, listed, searched, updated and deleted', async () => {
    const sim = await createChatwootSim();
    const created = await call(sim, 'POST', '/1/canned_responses', {
      canned_response: { short_code: 'hello', content: 'Hello there' },
    });
    expect(created.json).toMatchObject({ id: 1, short_code: 'hello', content: 'Hello there', account_id: 1 });
    await call(sim, 'POST', '/1/canned_responses', { short_code: 'bye', content: 'Goodbye' });
    expect((await call(sim, 'GET', '/1/canned_responses')).json).toHaveLength(2);
    const found = await call(sim, 'GET', '/1/canned_responses?search=good');
    expect(found.json.map((c: { short_code: string }) => c.short_code)).toEqual(['bye']);
    const updated = await call(sim, 'PATCH', '/1/canned_responses/1', { content: 'Hi!' });
    expect(updated.json).toMatchObject({ short_code: 'hello', content: 'Hi!' });
    expect((await call(sim, 'DELETE', '/1/canned_responses/1')).status).toBe(200);
    expect((await call(sim, 'GET', '/1/canned_responses')).json).toHaveLength(1);
  });

  test('a taken short code or a blank content is refused with 422 and nothing is stored', async () => {
    const sim = await createChatwootSim();
    await call(sim, 'POST', '/1/canned_responses', { short_code: 'hello', content: 'Hello' });
    const taken = await call(sim, 'POST', '/1/canned_responses', { short_code: 'hello', content: '' });
    expect(taken.status).toBe(422);
    expect(taken.json).toEqual({
      message: "Content can't be blank, Short code has already been taken",
      attributes: ['content', 'short_code'],
    });
    expect((await call(sim, 'GET', '/1/canned_responses')).json).toHaveLength(1);
    expect((await call(sim, 'PATCH', '/1/canned_responses/hasOwnProperty', { content: 'x' })).status).toBe(
      404,
    );
  });
});
