// searchParamsOf reads a request URL's query as the URL parser does, without parsing the whole URL.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { searchParamsOf } from '../../src/http.ts';

const pairs = (params: URLSearchParams) => [...params];

test.each([
  'http://127.0.0.1:4000/system/ws/v19/interaction/chat/start?entryPointId=1001&x=%20a+b',
  'http://h/p?a=1&a=2&b',
  'http://h/p',
  'http://h/p?',
  'http://h/p?a=1#b=2',
  'http://h/p#frag?a=1',
  "http://h/p?q=it's <b>&é=ü&bad=%zz&%E2%82%AC=1",
])('%s', (url) => {
  expect(pairs(searchParamsOf(url))).toEqual(pairs(new URL(url).searchParams));
});

test('any query of a request line reads as the URL parser reads it', () => {
  // No raw space: a request line cannot hold one (and the URL parser would trim one at the end).
  const text = fc.string({
    unit: fc.constantFrom('a', '=', '&', '+', '%', '2', '0', 'E', '#', '?', 'é', "'", '<'),
  });
  fc.assert(
    fc.property(text, (query) => {
      const url = `http://127.0.0.1:4000/path?${query}`;
      expect(pairs(searchParamsOf(url))).toEqual(pairs(new URL(url).searchParams));
    }),
    { numRuns: 3000 },
  );
});
