import { Hono } from 'hono';
import { expect, test } from 'vitest';
import { type BodyKinds, MAX_JSON_DEPTH, parseJson, parseXml, readBody } from '../../src/http.ts';
import { defaultProviders } from '../../src/providers/registry.ts';
import type { Simulator } from '../../src/simulator.ts';
import { createTestSimulator } from '../support/simulator.ts';

const DEEP = 10_000;
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepXml = (levels: number) => `${'<a>'.repeat(levels)}x${'</a>'.repeat(levels)}`;

const reader = (kinds: BodyKinds) => {
  const app = new Hono();
  app.post('/', async (c) => c.json(await readBody(c, kinds)));
  return async (type: string, body: string) =>
    (await (await app.request('/', { method: 'POST', headers: { 'content-type': type }, body })).json()) as {
      ok: boolean;
      reason?: string;
      message?: string;
      value?: unknown;
    };
};

test('readBody reports 10,000-level nested JSON as malformed instead of parsing it', async () => {
  const read = reader(['json']);
  expect(await read('application/json', deepJson(DEEP))).toMatchObject({
    ok: false,
    reason: 'malformed',
    message: `Malformed JSON body: nesting deeper than ${MAX_JSON_DEPTH} levels`,
  });
  expect(await read('application/json', deepArray(DEEP))).toMatchObject({ ok: false, reason: 'malformed' });
});

test('JSON nested 64 levels is read, 65 levels is malformed, and brackets inside strings do not count', async () => {
  const read = reader(['json']);
  expect(await read('application/json', deepJson(64))).toMatchObject({ ok: true });
  expect(await read('application/json', deepJson(65))).toMatchObject({ ok: false, reason: 'malformed' });
  const text = JSON.stringify({ text: `"[{${'['.repeat(DEEP)}\\` });
  expect(await read('application/json', text)).toMatchObject({ ok: true, value: JSON.parse(text) });
  expect(() => parseJson(deepArray(DEEP))).toThrow(SyntaxError);
});

test('readBody reports 10,000-level nested XML as malformed', async () => {
  const read = reader(['xml']);
  expect(await read('application/xml', deepXml(DEEP))).toMatchObject({
    ok: false,
    reason: 'malformed',
    message: 'Malformed XML body: elements nested deeper than 64 levels',
  });
  expect(await read('application/xml', deepXml(64))).toMatchObject({ ok: true });
  expect(
    await read('application/xml', `<a b="x>y"><!-- <b><c> --><![CDATA[<d><e>]]><f/><?pi <g>?></a>`),
  ).toMatchObject({ ok: true });
});

test('XML with a DOCTYPE is malformed, so no entity is ever declared or expanded', async () => {
  const bomb =
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>';
  const external = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
  for (const text of [bomb, external]) {
    expect(() => parseXml(text)).toThrow(/DOCTYPE and entity declarations are not accepted/);
  }
  expect(parseXml('<r a="1&amp;2">&lt;x&gt;</r>')).toEqual({ r: { '#text': '<x>', '@a': '1&2' } });
});

test('a form with more than 1000 fields is malformed, urlencoded or multipart', async () => {
  const read = reader(['form', 'multipart']);
  const fields = (n: number) => Array.from({ length: n }, (_, i) => `f${i}=x`).join('&');
  expect(await read('application/x-www-form-urlencoded', fields(1000))).toMatchObject({ ok: true });
  expect(await read('application/x-www-form-urlencoded', fields(1001))).toMatchObject({
    ok: false,
    reason: 'malformed',
    message: 'Malformed FORM body: 1001 fields; the limit is 1000',
  });
  const form = new FormData();
  for (let i = 0; i < 1001; i++) form.append(i % 2 ? 'same' : `f${i}`, 'x');
  const multipart = new Request('http://x/', { method: 'POST', body: form });
  const app = new Hono();
  app.post('/', async (c) => c.json(await readBody(c, ['multipart'])));
  expect(await (await app.request(multipart)).json()).toMatchObject({
    ok: false,
    reason: 'malformed',
    message: 'Malformed multipart body: 1001 fields; the limit is 1000',
  });
  const longName = `${'n'.repeat(1025)}=x`;
  expect(await read('application/x-www-form-urlencoded', longName)).toMatchObject({ ok: false });
});

// One route per provider, with valid credentials, so the body reaches the provider's own validation.
const open = (name: string) =>
  createTestSimulator({
    providers: defaultProviders.filter((p) => p.name === name),
    defaultFixtures: true,
    fixtures: undefined,
  });

const post = (sim: Simulator, path: string, headers: Record<string, string>, type: string, body: string) =>
  sim.app.request(path, { method: 'POST', headers: { ...headers, 'content-type': type }, body });

const expect4xx = async (res: Response) => {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
};

test('ECE answers 10,000-level nested JSON and XML on conversation start with a 4xx', async () => {
  const sim = await open('ece');
  const base = '/system/ws/v19/clientapplications';
  const token = await sim.app.request(`${base}/authentication/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('ece-chat-key:ece-chat-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: 'grant_type=client_credentials',
  });
  const auth = { authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}` };
  const start = `${base}/messaging/conversation/start?anonymousCustomer=yes`;
  await expect4xx(await post(sim, start, auth, 'application/json', `{"activity":${deepJson(DEEP)}}`));
  await expect4xx(await post(sim, start, auth, 'application/xml', deepXml(DEEP)));
  expect(sim.internalErrors).toEqual([]);
});

test('the 8x8 Chat Gateway answers a 10,000-level nested webhook body with a 4xx', async () => {
  const sim = await open('8x8');
  const key = { 'x-api-key': '8x8-gateway-key' };
  await expect4xx(await post(sim, '/chat-gateway/v1/webhooks', key, 'application/json', deepArray(DEEP)));
  expect(sim.internalErrors).toEqual([]);
});

test('Chatwoot answers 10,000-level nested custom_attributes with a 4xx', async () => {
  const sim = await open('chatwoot');
  const body = `{"name":"x","custom_attributes":${deepJson(DEEP)}}`;
  const token = { api_access_token: 'chatwoot-token' };
  await expect4xx(await post(sim, '/api/v1/accounts/1/contacts', token, 'application/json', body));
  expect(sim.internalErrors).toEqual([]);
});

test('Airkit answers a 10,000-level nested start body with a 4xx', async () => {
  const sim = await open('airkit');
  const auth = { authorization: 'Bearer airkit-token' };
  const body = `{"channel":${deepJson(DEEP)}}`;
  await expect4xx(await post(sim, '/airkit/v1/conversations', auth, 'application/json', body));
  expect(sim.internalErrors).toEqual([]);
});

test('an unsupported Content-Type is quoted escaped and cut in the error message', async () => {
  const read = reader(['json']);
  const result = await read(`text/x-${'y'.repeat(5000)}`, 'body');
  expect(result).toMatchObject({ ok: false, reason: 'unsupported-media-type' });
  expect(result.message!.length).toBeLessThan(200);
});
