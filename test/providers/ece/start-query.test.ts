// Seed 003, "Supported API specific query parameters" and "400 - Bad Request".
import { describe, expect, test } from 'vitest';
import { createEceSim, customer, eceAdmin, JANE, start, startBody, startOk, wsError } from './helpers.ts';

describe('start conversation query parameters', () => {
  test('start without anonymousCustomer or searchContactOnAttribute answers 400 WSError', async () => {
    const { sim } = await createEceSim();
    const error = await wsError(await start(sim, { query: '' }));
    expect(error).toMatchObject({ status: 400, code: '400-101' });
  });

  test('start with both anonymousCustomer and searchContactOnAttribute answers 400', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, {
      query: 'anonymousCustomer=yes&searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: JANE }),
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-101' });
  });

  test('anonymousCustomer accepts only yes', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await start(sim, { query: 'anonymousCustomer=no' }))).toMatchObject({
      status: 400,
      code: '400-103',
    });
    expect((await start(sim, { query: 'anonymousCustomer=yes' })).status).toBe(200);
  });

  const contacts: Record<string, Record<string, unknown>> = {
    'email.emailAddress': { email: [{ emailAddress: 'new.person@example.com' }] },
    'home.phone': { phone: [{ type: { value: 'home' }, phoneNumber: '5550111' }] },
    'mobile.phone': { phone: [{ type: { value: 'mobile' }, phoneNumber: '5550112', countryCode: '1' }] },
    'office.phone': { phone: [{ type: { value: 'office' }, phoneNumber: '5550113' }] },
    'social.facebookId': { social: [{ type: { value: 'facebook' }, socialId: 'fb.person' }] },
    'social.twitterId': { social: [{ type: { value: 'twitter' }, socialId: '@person' }] },
    'social.instagramId': { social: [{ type: { value: 'instagram' }, socialId: 'insta.person' }] },
    externalId: { externalId: 'crm-42' },
    'custom.facebookpsid': { customAttributes: { facebookpsid: '2510000000000001' } },
  };
  test.each(Object.keys(contacts))('searchContactOnAttribute=%s is supported', async (attribute) => {
    const { sim } = await createEceSim();
    const body = startBody({ customer: customer({ firstName: 'Pat', ...contacts[attribute] }) });
    const conversation = await startOk(sim, { query: `searchContactOnAttribute=${attribute}`, body });
    expect(conversation.customer?.id).toMatch(/^\d+$/);
  });

  test('an unsupported searchContactOnAttribute value answers 400', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, {
      query: 'searchContactOnAttribute=phone.mobile',
      body: startBody({ customer: JANE }),
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-103' });
  });

  test('searchContactOnAttribute=custom.<attribute> needs a contact attribute configured in the application', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, {
      query: 'searchContactOnAttribute=custom.shoeSize',
      body: startBody({ customer: JANE }),
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-103' });
  });

  test('an unsupported query parameter answers 400', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await start(sim, { query: 'anonymousCustomer=yes&foo=bar' }))).toMatchObject({
      status: 400,
      code: '400-102',
    });
  });

  test('a query parameter given twice answers 400', async () => {
    const { sim } = await createEceSim();
    expect(
      await wsError(await start(sim, { query: 'anonymousCustomer=yes&anonymousCustomer=yes' })),
    ).toMatchObject({
      status: 400,
      code: '400-103',
    });
  });

  test('sendTypingNotification accepts yes or no and refuses other values with 400', async () => {
    const { sim } = await createEceSim();
    expect((await start(sim, { query: 'anonymousCustomer=yes&sendTypingNotification=yes' })).status).toBe(
      200,
    );
    expect((await start(sim, { query: 'anonymousCustomer=yes&sendTypingNotification=no' })).status).toBe(200);
    const res = await start(sim, { query: 'anonymousCustomer=yes&sendTypingNotification=true' });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-103' });
  });

  test('conversationContact can be provided only with searchContactOnAttribute', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, { query: 'anonymousCustomer=yes&conversationContact=email.emailAddress' });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-103' });
  });

  test('conversationContact accepts only its allowed values', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, {
      query: 'searchContactOnAttribute=email.emailAddress&conversationContact=externalId',
      body: startBody({ customer: JANE }),
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-103' });
  });

  test('conversationContact must name a contact point the customer has', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, {
      query: 'searchContactOnAttribute=email.emailAddress&conversationContact=mobile.phone',
      body: startBody({ customer: JANE }),
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-112' });
  });

  test('conversationContact the customer has is associated with the activity', async () => {
    const { sim } = await createEceSim();
    const conversation = await startOk(sim, {
      query: 'searchContactOnAttribute=email.emailAddress&conversationContact=email.emailAddress',
      body: startBody({ customer: JANE }),
    });
    const stored = (await (await eceAdmin(sim, 'GET', `/conversations/${conversation.id}`)).json()) as {
      conversation: { contactPoint: string };
    };
    expect(stored.conversation.contactPoint).toBe('email.emailAddress:jane.doe@example.com');
  });
});
