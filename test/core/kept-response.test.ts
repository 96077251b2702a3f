// The journal reads an answer's body and headers from @hono/node-server's lightweight Response without building a
// web Response or Headers: what it reads must be what the web objects would say.
import { getRequestListener } from '@hono/node-server';
import { expect, test } from 'vitest';
import { toHeaderRecord } from '../../src/journal.ts';
import { keptBody, keptHeaders } from '../../src/kept-response.ts';

// Installs the lightweight Response as the global one, as serving does.
getRequestListener(() => new Response(null));

test.each([
  ['json headers', '{"a":1}', { headers: { 'Content-Type': 'application/json', 'X-Request-Id': ' r-1 ' } }],
  ['names out of order and in mixed case', 'x', { headers: { 'x-b': '2', 'X-A': '1', Allow: 'GET' } }],
  ['no headers, a text body', 'hello', undefined],
  ['no headers, no body', null, { status: 204 }],
])('an answer built with %s reads as its web Headers do', (_name, body, init) => {
  const res = new Response(body, init);
  const kept = keptHeaders(res);
  expect(kept).toBeDefined();
  expect(kept).toEqual(toHeaderRecord(res.headers));
  expect(Object.keys(kept!)).toEqual(Object.keys(toHeaderRecord(res.headers)));
});

test('headers it cannot read as a plain record are left to the web Headers', () => {
  expect(keptHeaders(new Response('x', { headers: new Headers({ a: '1' }) }))).toBeUndefined();
  expect(keptHeaders(new Response('x', { headers: [['a', '1']] }))).toBeUndefined();
  // Two spellings of one name: the web Headers joins them, a record cannot say which came first.
  expect(keptHeaders(new Response('x', { headers: { 'X-A': '1', 'x-a': '2' } }))).toBeUndefined();
});

test('the body of a string answer is read as it was built', async () => {
  const res = new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
  expect(keptBody(res)).toBe('{"ok":true}');
  expect(await res.text()).toBe('{"ok":true}');
  expect(keptBody(new Response(null, { status: 204 }))).toBeNull();
});
