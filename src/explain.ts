import { distance } from 'fastest-levenshtein';

/** A route the simulator serves. */
export type KnownRoute = { method: string; path: string; provider: string | null };

/** Why a request matched nothing, and what the caller may have meant. */
export type Explanation = {
  message: string;
  request: { method: string; path: string };
  provider: string | null;
  providers: { name: string; title: string; basePaths: readonly string[] }[];
  /** Routes whose path matches but whose method differs. */
  otherMethods: string[];
  nearest: { method: string; path: string }[];
};

/** Turns a route pattern (`/a/:id/b`, `*`) into a matcher of concrete paths. */
export function toPathMatcher(pattern: string): (path: string) => boolean {
  const cached = matchers.get(pattern);
  if (cached) return cached;
  const source = pattern
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const regex = new RegExp(`^${source}/?$`);
  const matcher = (path: string) => regex.test(path);
  matchers.set(pattern, matcher);
  return matcher;
}

// Patterns are few and fixed; caching their regexes keeps unmatched requests cheap.
const matchers = new Map<string, (path: string) => boolean>();

/** Explains an unmatched request from the routes that exist. */
export function explainUnmatched(
  request: { method: string; path: string },
  routes: readonly KnownRoute[],
  providers: Explanation['providers'],
  provider: string | null,
): Explanation {
  const candidates = routes.filter((r) => r.method !== 'ALL' && !r.path.endsWith('*'));
  const otherMethods = [
    ...new Set(candidates.filter((r) => toPathMatcher(r.path)(request.path)).map((r) => r.method)),
  ];
  const nearest = candidates
    .filter((r) => provider === null || r.provider === provider)
    .map((r) => ({
      route: r,
      score: distance(normalize(r.path), request.path) + (r.method === request.method ? 0 : 2),
    }))
    .sort((a, b) => a.score - b.score)
    .slice(0, 3)
    .map(({ route }) => ({ method: route.method, path: route.path }));
  const where = provider ? `under provider '${provider}'` : 'for any provider';
  const hint =
    otherMethods.length > 0
      ? `The path exists for ${otherMethods.join(', ')}.`
      : nearest.length > 0
        ? `Nearest: ${nearest.map((r) => `${r.method} ${r.path}`).join(', ')}.`
        : 'No routes are registered.';
  return {
    message: `No convosim route matches ${request.method} ${request.path} ${where}. ${hint}`,
    request,
    provider,
    providers,
    otherMethods,
    nearest,
  };
}

// Parameters count as one character each, so `/a/:conversationId` is near `/a/123`.
const normalize = (pattern: string) => pattern.replace(/:[A-Za-z0-9_-]+(\{[^}]*\})?/g, 'x');
