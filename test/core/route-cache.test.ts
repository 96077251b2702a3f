import { TrieRouter } from 'hono/router/trie-router';
import { expect, test } from 'vitest';
import { CachedTrieRouter } from '../../src/route-cache.ts';

const ROUTES: [string, string][] = [
  ['ALL', '*'],
  ['ALL', '/api/v1/*'],
  ['POST', '/api/v1/accounts/:account_id/conversations'],
  ['POST', '/api/v1/accounts/:account_id/conversations/filter'],
  ['GET', '/api/v1/accounts/:account_id/conversations/:conversation_id'],
  ['GET', '/api/v1/accounts/:account_id/conversations/:conversation_id/messages'],
];
const PATHS: [string, string][] = [
  ['POST', '/api/v1/accounts/1/conversations'],
  ['POST', '/api/v1/accounts/1/conversations/filter'],
  ['GET', '/api/v1/accounts/1/conversations/7'],
  ['GET', '/api/v1/accounts/2/conversations/8/messages'],
  ['GET', '/api/v1/accounts/1/conversations/filter'],
  ['DELETE', '/api/v1/accounts/1/conversations/7'],
  ['GET', '/elsewhere'],
];

function build<T extends { add(method: string, path: string, handler: string): void }>(router: T): T {
  for (const [method, path] of ROUTES) router.add(method, path, `${method} ${path}`);
  return router;
}

test('the cached router matches as the TrieRouter it wraps (handlers, order, params), first time and again', () => {
  const plain = build(new TrieRouter<string>());
  const cached = build(new CachedTrieRouter<string>());
  for (const round of [1, 2]) {
    for (const [method, path] of PATHS) {
      expect(cached.match(method, path), `${method} ${path}, round ${round}`).toEqual(
        plain.match(method, path),
      );
    }
  }
  expect(cached.cachedPaths).toBe(PATHS.length);
});

test('a path with other ids is matched on its own: each request reads its own params', () => {
  const cached = build(new CachedTrieRouter<string>());
  const first = cached.match('GET', '/api/v1/accounts/1/conversations/7');
  const second = cached.match('GET', '/api/v1/accounts/1/conversations/8');
  expect(first[0].at(-1)?.[1]).toEqual({ account_id: '1', conversation_id: '7' });
  expect(second[0].at(-1)?.[1]).toEqual({ account_id: '1', conversation_id: '8' });
});

test('a route added after a match is matched (the kept results are dropped)', () => {
  const cached = build(new CachedTrieRouter<string>());
  expect(cached.match('GET', '/late')[0].map(([h]) => h)).toEqual(['ALL *']);
  cached.add('GET', '/late', 'GET /late');
  expect(cached.match('GET', '/late')[0].map(([h]) => h)).toEqual(['ALL *', 'GET /late']);
});

test('the cache is bounded: paths holding ids are forgotten', () => {
  const cached = build(new CachedTrieRouter<string>());
  for (let i = 0; i < 5_000; i++) {
    const result = cached.match('GET', `/api/v1/accounts/1/conversations/${i}`);
    expect(result[0].at(-1)?.[1]).toEqual({ account_id: '1', conversation_id: String(i) });
    expect(cached.cachedPaths).toBeLessThanOrEqual(1024);
  }
});
