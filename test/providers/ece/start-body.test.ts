// Seed 003, "Request Body": required and optional elements.
import { describe, expect, test } from 'vitest';
import {
  BASE,
  createEceSim,
  customer,
  eceAdmin,
  getToken,
  JANE,
  LAST_MODIFIED,
  settle,
  start,
  startBody,
  startOk,
  wsError,
} from './helpers.ts';

type Stored = {
  conversation: Record<string, unknown> & { customAttributes: Record<string, string>; subject: string };
};

describe('start conversation body', () => {
  test('start without a body answers 400 WSError', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await start(sim, { body: '' }))).toMatchObject({ status: 400, code: '400-104' });
  });

  test('start with malformed JSON answers 400', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await start(sim, { body: '{"entryPointConfiguration": ' }))).toMatchObject({
      status: 400,
      code: '400-105',
    });
  });

  test('start with a Content-Type other than JSON, XML or multipart answers 400', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, { body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-105' });
  });

  test('start accepts an XML body', async () => {
    const { sim } = await createEceSim();
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><conversation><entryPointConfiguration><entryPoint><id>1001</id></entryPoint>' +
      `<lastModified><date>${LAST_MODIFIED}</date></lastModified></entryPointConfiguration>` +
      '<activity><subject>From XML</subject><customer><type><value>individual</value></type><contacts><contact>' +
      '<firstName>Jane</firstName><email><emailAddress>jane.doe@example.com</emailAddress></email>' +
      '</contact></contacts></customer></activity></conversation>';
    const conversation = await startOk(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: xml,
      headers: { 'content-type': 'application/xml' },
    });
    expect(conversation.customer?.id).toBe('3001');
  });

  test('start accepts a multipart/form-data body', async () => {
    const { sim } = await createEceSim();
    const form = new FormData();
    form.set('request', JSON.stringify(startBody({ subject: 'From multipart' })));
    const res = await sim.app.request(`${BASE}/messaging/conversation/start?anonymousCustomer=yes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await getToken(sim)}`, accept: 'application/json' },
      body: form,
    });
    expect(res.status).toBe(200);
  });

  test('start without entryPointConfiguration.entryPoint.id answers 400', async () => {
    const { sim } = await createEceSim();
    const body = { entryPointConfiguration: { lastModified: { date: LAST_MODIFIED } } };
    expect(await wsError(await start(sim, { body }))).toMatchObject({ status: 400, code: '400-106' });
  });

  test('start without entryPointConfiguration.lastModified.date answers 400', async () => {
    const { sim } = await createEceSim();
    const body = { entryPointConfiguration: { entryPoint: { id: 1001 } } };
    expect(await wsError(await start(sim, { body }))).toMatchObject({ status: 400, code: '400-106' });
  });

  test('start with a stale lastModified.date answers 409', async () => {
    const { sim } = await createEceSim();
    const body = {
      entryPointConfiguration: {
        entryPoint: { id: 1001 },
        lastModified: { date: '2020-01-01T00:00:00.000Z' },
      },
    };
    expect(await wsError(await start(sim, { body }))).toMatchObject({ status: 409, code: '409-101' });
  });

  test('start on an entry point that does not exist answers 400', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await start(sim, { body: startBody(undefined, 4242) }))).toMatchObject({
      status: 400,
      code: '400-114',
    });
  });

  test('activity.subject must be 1 to 255 characters', async () => {
    const { sim } = await createEceSim();
    for (const subject of ['', 'x'.repeat(256)]) {
      expect(await wsError(await start(sim, { body: startBody({ subject }) }))).toMatchObject({
        status: 400,
        code: '400-107',
      });
    }
    const conversation = await startOk(sim, { body: startBody({ subject: 'x'.repeat(255) }) });
    const stored = (await (await eceAdmin(sim, 'GET', `/conversations/${conversation.id}`)).json()) as Stored;
    expect(stored.conversation.subject).toHaveLength(255);
  });

  test('clientInfo is stored with isRichTextSupported true by default', async () => {
    const { sim } = await createEceSim();
    const clientInfo = {
      timeOffset: -60,
      referrerName: 'Shop',
      referrerURL: 'https://shop.example.com/cart',
    };
    const conversation = await startOk(sim, { body: startBody({ payload: { chat: { clientInfo } } }) });
    const stored = (await (await eceAdmin(sim, 'GET', `/conversations/${conversation.id}`)).json()) as Stored;
    expect(stored.conversation.clientInfo).toEqual({
      ...clientInfo,
      timeOffset: '-60',
      isRichTextSupported: true,
    });
  });

  test('clientInfo.isRichTextSupported must be true or false', async () => {
    const { sim } = await createEceSim();
    const body = startBody({ payload: { chat: { clientInfo: { isRichTextSupported: 'maybe' } } } });
    expect(await wsError(await start(sim, { body }))).toMatchObject({ status: 400, code: '400-107' });
  });

  test('with isRichTextSupported=false agent text/html reaches the client as text/plain', async () => {
    const { sim, messages } = await createEceSim();
    const body = startBody({ payload: { chat: { clientInfo: { isRichTextSupported: false } } } });
    const conversation = await startOk(sim, { body });
    await settle(sim);
    await sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'agent.say',
      args: { text: '<p>Hello <b>there</b> &amp; welcome</p>', contentType: 'text/html' },
    });
    await sim.control.idle();
    expect(messages().at(-1)).toMatchObject({
      type: { value: 'text/plain' },
      content: 'Hello there & welcome',
    });
  });

  test('with rich text supported agent text/html reaches the client as text/html', async () => {
    const { sim, messages } = await createEceSim();
    const conversation = await startOk(sim);
    await settle(sim);
    await sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'agent.say',
      args: { text: '<p>Hello</p>', contentType: 'text/html' },
    });
    await sim.control.idle();
    expect(messages().at(-1)).toMatchObject({ type: { value: 'text/html' }, content: '<p>Hello</p>' });
  });

  test('activity.customAttributes must name attributes configured in the application', async () => {
    const { sim } = await createEceSim();
    const body = startBody({ customAttributes: { favourite_colour: 'blue' } });
    expect(await wsError(await start(sim, { body }))).toMatchObject({ status: 400, code: '400-108' });
  });

  test('an enumeration custom attribute accepts only its predefined values', async () => {
    const { sim } = await createEceSim();
    const body = startBody({ customAttributes: { priority_level: 'urgent' } });
    expect(await wsError(await start(sim, { body }))).toMatchObject({ status: 400, code: '400-108' });
  });

  test('a string custom attribute refuses characters outside the allowed set', async () => {
    const { sim } = await createEceSim();
    const body = startBody({ customAttributes: { order_number: '<script>' } });
    expect(await wsError(await start(sim, { body }))).toMatchObject({ status: 400, code: '400-108' });
  });

  test('valid activity custom attributes are stored on the conversation', async () => {
    const { sim } = await createEceSim();
    const customAttributes = { priority_level: 'high', order_number: 'ORD-1001/A', quantity: 3 };
    const conversation = await startOk(sim, { body: startBody({ customAttributes }) });
    const stored = (await (await eceAdmin(sim, 'GET', `/conversations/${conversation.id}`)).json()) as Stored;
    expect(stored.conversation.customAttributes).toEqual({ ...customAttributes, quantity: '3' });
  });

  test('activity.customer is required with searchContactOnAttribute', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({}),
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-109' });
  });

  test('activity.customer is forbidden with anonymousCustomer', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, { body: startBody({ customer: JANE }) });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-109' });
  });

  test('a new customer keeps the contact custom attributes', async () => {
    const { sim } = await createEceSim();
    const body = startBody({
      customer: customer({ firstName: 'Mo', customAttributes: { facebookpsid: '77' } }),
    });
    const first = await startOk(sim, { query: 'searchContactOnAttribute=custom.facebookpsid', body });
    const again = await startOk(sim, { query: 'searchContactOnAttribute=custom.facebookpsid', body });
    expect(first.customer?.id).toMatch(/^\d+$/);
    expect(again.customer?.id).toBe(first.customer?.id);
  });

  test('contact custom attributes not configured in the application answer 400 when creating a customer', async () => {
    const { sim } = await createEceSim();
    const body = startBody({
      customer: customer({ firstName: 'Mo', externalId: 'x-1', customAttributes: { shoe: '42' } }),
    });
    const res = await start(sim, { query: 'searchContactOnAttribute=externalId', body });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-108' });
  });

  test('activity.case.id must exist', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: JANE, case: { id: 9999 } }),
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-113' });
  });

  test('activity.case.id must belong to the customer initiating the conversation', async () => {
    const { sim } = await createEceSim();
    const other = customer({ firstName: 'Sam', email: [{ emailAddress: 'sam@example.com' }] });
    const res = await start(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: other, case: { id: 2001 } }),
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-113' });
  });

  test('activity.case.id needs searchContactOnAttribute', async () => {
    const { sim } = await createEceSim();
    const res = await start(sim, { body: startBody({ case: { id: 2001 } }) });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-113' });
  });

  test('an existing case of the customer is used for the conversation', async () => {
    const { sim } = await createEceSim();
    const conversation = await startOk(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: JANE, case: { id: '2001' } }),
    });
    expect(conversation.case.id).toBe('2001');
  });

  test('without case.id a new case is created', async () => {
    const { sim } = await createEceSim();
    const first = await startOk(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: JANE }),
    });
    const second = await startOk(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: JANE }),
    });
    expect(first.case.id).not.toBe('2001');
    expect(second.case.id).not.toBe(first.case.id);
  });
});
