// The filter endpoints as Chatwoot 4.12 answers them: FilterService, Conversations::FilterService,
// Contacts::FilterService, Filters::CustomAttributeFilterHelper, lib/filters/filter_keys.yml and
// spec/controllers/api/v1/accounts/contacts_controller_spec.rb 'GET /api/v1/accounts/{account.id}/contacts/filter'.
import { describe, expect, test } from 'vitest';
import { call, createChatwootSim, createConversation, type Json } from './helpers.ts';

const ids = (res: { json: Json }) => res.json.payload.map((c: { id: number }) => c.id);
const filter = (
  attribute_key: string,
  filter_operator: string,
  values: unknown[],
  query_operator?: string,
) => ({
  attribute_key,
  filter_operator,
  values,
  ...(query_operator ? { query_operator } : {}),
});

describe('chatwoot conversation filter on custom attributes', () => {
  async function createSim() {
    const sim = await createChatwootSim();
    for (const attrs of [{ plan: 'Gold', seats: 5 }, { plan: 'silver', seats: 50 }, {}]) {
      const conv = await createConversation(sim);
      await call(sim, 'POST', `/1/conversations/${conv.id}/custom_attributes`, { custom_attributes: attrs });
    }
    return sim;
  }

  test('a custom attribute key filters on the conversations custom_attributes, text compared lower case', async () => {
    const sim = await createSim();
    const post = (payload: unknown[]) => call(sim, 'POST', '/1/conversations/filter', { payload });
    expect(ids(await post([filter('plan', 'equal_to', ['gold'])]))).toEqual([1]);
    // not_equal_to also matches conversations without the attribute (`OR ... IS NULL`).
    expect(ids(await post([filter('plan', 'not_equal_to', ['GOLD'])]))).toEqual([3, 2]);
    expect(ids(await post([filter('plan', 'contains', ['ILV'])]))).toEqual([2]);
    expect(ids(await post([filter('plan', 'is_present', [])]))).toEqual([2, 1]);
    expect(ids(await post([filter('plan', 'is_not_present', [])]))).toEqual([3]);
  });

  test('numeric custom attributes compare as numbers and join other conditions left to right', async () => {
    const sim = await createSim();
    const post = (payload: unknown[]) => call(sim, 'POST', '/1/conversations/filter', { payload });
    expect(ids(await post([filter('seats', 'is_greater_than', [10])]))).toEqual([2]);
    expect(ids(await post([filter('seats', 'is_less_than', ['10'])]))).toEqual([1]);
    const joined = await post([
      filter('seats', 'equal_to', [5], 'OR'),
      filter('plan', 'equal_to', ['silver'], 'AND'),
      filter('status', 'equal_to', ['open']),
    ]);
    expect(ids(joined)).toEqual([2, 1]);
    expect(joined.json.meta.all_count).toBe(2);
  });

  test('a custom attribute key no conversation has answers the invalid attribute key 422', async () => {
    const sim = await createSim();
    const res = await call(sim, 'POST', '/1/conversations/filter', {
      payload: [filter('plan', 'equal_to', ['gold'], 'AND'), filter('mood', 'equal_to', ['x'])],
    });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatch(/^Invalid attribute key - \[mood\]\. The key should be one of \[status,/);
    for (const key of ['', 42, null]) {
      const bad = await call(sim, 'POST', '/1/conversations/filter', {
        payload: [{ attribute_key: key, filter_operator: 'equal_to', values: ['x'] }],
      });
      expect(bad.status).toBe(422);
    }
  });
});

describe('chatwoot contact filter', () => {
  async function createSim() {
    const sim = await createChatwootSim();
    await call(sim, 'POST', '/1/contacts', {
      name: 'Bob Brown',
      email: 'bob@x.test',
      phone_number: '+15550100002',
      additional_attributes: { city: 'Lisbon', country_code: 'PT' },
      custom_attributes: { tier: 'Gold' },
    });
    await call(sim, 'POST', '/1/contacts', { name: 'No Channel' });
    await call(sim, 'POST', '/1/contacts', {
      name: 'Carol',
      identifier: 'carol-1',
      custom_attributes: { tier: 3 },
    });
    return sim;
  }
  const post = (
    sim: Awaited<ReturnType<typeof createSim>>,
    payload: unknown[],
    headers?: Record<string, string>,
  ) => call(sim, 'POST', '/1/contacts/filter', { payload }, headers);

  test('an empty payload lists every resolved contact, newest first, as meta count and current_page', async () => {
    // contacts_controller_spec.rb 'returns all contacts when query is empty'; resolved_contacts leaves out contacts
    // without e-mail, phone number or identifier.
    const sim = await createSim();
    const res = await post(sim, []);
    expect(res.status).toBe(200);
    expect(res.json.meta).toEqual({ count: 3, current_page: 1 });
    expect(ids(res)).toEqual([4, 2, 1]);
    expect(res.json.payload[1]).toMatchObject({ name: 'Bob Brown', email: 'bob@x.test' });
  });

  test('standard and additional attribute keys compare lower case, a phone number with its plus sign', async () => {
    // contacts_controller_spec.rb: country_code equal_to 'US' (here PT).
    const sim = await createSim();
    expect(ids(await post(sim, [filter('country_code', 'equal_to', ['pt'])]))).toEqual([2]);
    expect(ids(await post(sim, [filter('name', 'equal_to', ['BOB BROWN'])]))).toEqual([2]);
    expect(ids(await post(sim, [filter('name', 'contains', ['car'])]))).toEqual([4]);
    expect(ids(await post(sim, [filter('phone_number', 'equal_to', ['15550100002'])]))).toEqual([2]);
    expect(ids(await post(sim, [filter('email', 'does_not_contain', ['bob'])]))).toEqual([4, 1]);
    expect(
      ids(
        await post(sim, [
          filter('city', 'contains', ['lis'], 'OR'),
          filter('identifier', 'equal_to', ['carol-1']),
        ]),
      ),
    ).toEqual([4, 2]);
    expect(ids(await post(sim, [filter('blocked', 'equal_to', [false])]))).toEqual([4, 2, 1]);
    expect(ids(await post(sim, [filter('created_at', 'is_greater_than', ['2000-01-01'])]))).toEqual([
      4, 2, 1,
    ]);
  });

  test('contact custom attribute keys filter on the contacts custom_attributes', async () => {
    const sim = await createSim();
    expect(ids(await post(sim, [filter('tier', 'equal_to', ['gold'])]))).toEqual([2]);
    expect(ids(await post(sim, [filter('tier', 'is_greater_than', [2])]))).toEqual([4]);
    const unknown = await post(sim, [filter('mood', 'equal_to', ['x'])]);
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toBe(
      'Invalid attribute key - [mood]. The key should be one of [name,phone_number,email,identifier,country_code,' +
        'city,company_name,labels,created_at,last_activity_at,blocked] or a custom attribute defined in the account.',
    );
  });

  test('a bad contact filter answers FilterService 422 texts; agents may filter, bots may not', async () => {
    const sim = await createSim();
    const op = await post(sim, [filter('identifier', 'contains', ['x'])]);
    expect(op.status).toBe(422);
    expect(op.json).toEqual({
      error: 'Invalid operator. The allowed operators for identifier are [equal_to,not_equal_to].',
    });
    const qo = await post(sim, [filter('name', 'equal_to', ['x'], 'XOR'), filter('name', 'equal_to', ['y'])]);
    expect(qo.json).toEqual({ error: 'Query operator must be either "AND" or "OR".' });
    expect((await call(sim, 'POST', '/1/contacts/filter', { payload: 'x' })).status).toBe(422);
    const agent = await post(sim, [], { api_access_token: 'chatwoot-agent-token' });
    expect(agent.json.meta.count).toBe(3);
    expect((await post(sim, [], { api_access_token: 'chatwoot-bot-token' })).status).toBe(401);
  });
});
