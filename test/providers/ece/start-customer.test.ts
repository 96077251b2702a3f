// Seed 003: searchContactOnAttribute look-up, customer creation, departmentalization, 400 rules.
import { describe, expect, test } from 'vitest';
import { createEceSim, customer, JANE, start, startBody, startOk, wsError } from './helpers.ts';

// Fixture items with the same id replace each other whole, so the override repeats every field.
const SALES_IN_DEPARTMENT_1000 = {
  id: 1001,
  name: 'Chat - Sales',
  departmentId: 1000,
  queueId: 'q-sales',
  lastModified: '2024-11-05T09:30:00.000Z',
};

describe('start conversation customer', () => {
  test('an existing customer is found by the searched attribute', async () => {
    const { sim } = await createEceSim();
    const conversation = await startOk(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: JANE }),
    });
    expect(conversation.customer?.id).toBe('3001');
  });

  test('email look-up ignores case', async () => {
    const { sim } = await createEceSim();
    const body = startBody({ customer: customer({ email: [{ emailAddress: 'Jane.Doe@Example.com' }] }) });
    const conversation = await startOk(sim, { query: 'searchContactOnAttribute=email.emailAddress', body });
    expect(conversation.customer?.id).toBe('3001');
  });

  test('a customer that is not found is created, and found by the next start', async () => {
    const { sim } = await createEceSim();
    const body = startBody({
      customer: customer({ firstName: 'Ann', email: [{ emailAddress: 'ann@example.com' }] }),
    });
    const first = await startOk(sim, { query: 'searchContactOnAttribute=email.emailAddress', body });
    const second = await startOk(sim, { query: 'searchContactOnAttribute=email.emailAddress', body });
    expect(first.customer?.id).not.toBe('3001');
    expect(second.customer?.id).toBe(first.customer?.id);
  });

  test('a customer search that finds several contacts answers 400', async () => {
    const { sim } = await createEceSim();
    const body = startBody({
      customer: customer({
        firstName: 'Roe',
        phone: [{ type: { value: 'mobile' }, phoneNumber: '5550100', countryCode: '1' }],
      }),
    });
    const res = await start(sim, { query: 'searchContactOnAttribute=mobile.phone', body });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-110' });
  });

  test('a customer that is not found and cannot be created answers 400', async () => {
    const { sim } = await createEceSim();
    const body = startBody({
      customer: customer({ firstName: 'Bad', email: [{ emailAddress: 'not-an-address' }] }),
    });
    const res = await start(sim, { query: 'searchContactOnAttribute=email.emailAddress', body });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-111' });
  });

  test('an unknown customer type makes customer creation fail with 400', async () => {
    const { sim } = await createEceSim();
    const body = startBody({ customer: customer({ externalId: 'x-9' }, 'robot') });
    const res = await start(sim, { query: 'searchContactOnAttribute=externalId', body });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-111' });
  });

  test('the customer contact must contain the searched attribute', async () => {
    const { sim } = await createEceSim();
    const body = startBody({
      customer: customer({ firstName: 'Jane', email: [{ emailAddress: 'jane.doe@example.com' }] }),
    });
    const res = await start(sim, { query: 'searchContactOnAttribute=externalId', body });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-109' });
  });

  test('with customer departmentalization the search is limited to the department of the entry point', async () => {
    const fixtures = {
      ece: { settings: { customerDepartmentalization: true }, entryPoints: [SALES_IN_DEPARTMENT_1000] },
    };
    const { sim } = await createEceSim({ fixtures });
    const conversation = await startOk(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: JANE }),
    });
    expect(conversation.customer?.id).not.toBe('3001');
  });

  test('without customer departmentalization the search spans the application', async () => {
    const { sim } = await createEceSim({ fixtures: { ece: { entryPoints: [SALES_IN_DEPARTMENT_1000] } } });
    const conversation = await startOk(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: JANE }),
    });
    expect(conversation.customer?.id).toBe('3001');
  });

  test('an anonymous conversation has no customer and a new case', async () => {
    const { sim } = await createEceSim();
    const conversation = await startOk(sim);
    expect(conversation.customer).toBeNull();
    expect(conversation.case.id).toMatch(/^\d+$/);
    expect(conversation.activity.id).toMatch(/^\d+$/);
  });
});
