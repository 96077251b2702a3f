// Path globs for fault rules and journal filters, matched without regular expressions: a glob such as
// `**/*a*a*a*b` compiled by picomatch into a backtracking RegExp could block the event loop for seconds.
import { z } from 'zod';

/** The longest glob accepted, in characters. */
export const MAX_GLOB_LENGTH = 256;
/** The most alternatives a glob may expand to through braces (`{a,b}{c,d}` is 4). */
export const MAX_GLOB_ALTERNATIVES = 32;
/** The most characters all alternatives of a glob may add up to once braces are expanded. */
export const MAX_GLOB_EXPANDED_LENGTH = 1024;
/** The most wildcards (`*`, `?`, `[...]`) a glob may hold. */
export const MAX_GLOB_WILDCARDS = 32;

/** A glob that cannot be used, with why (too long, too complex, or unsupported syntax). */
export class GlobError extends Error {
  override name = 'GlobError';
}

/**
 * Compiles a path glob into a matcher that runs in time bounded by (glob length × path length), whatever the
 * input. Syntax (picomatch's, with `dot: true`): `*` any characters but `/`; `**` as a whole segment any number
 * of segments; `?` one character but `/`; `[abc]`, `[a-z]`, `[!a]` one character of (or not of) a set;
 * `{a,b}` alternatives; `\` escapes; a leading `!` negates. Extglobs (`@(a|b)`) and ranges (`{1..3}`) are not
 * supported. Throws a GlobError for a glob that is too long, too complex or unsupported.
 */
export function toPathMatcher(glob: string): (path: string) => boolean {
  if (typeof glob !== 'string') throw new GlobError('A path glob must be a string.');
  if (glob.length > MAX_GLOB_LENGTH) {
    throw new GlobError(`The path glob is ${glob.length} characters long; the limit is ${MAX_GLOB_LENGTH}.`);
  }
  const wildcards = glob.replace(/\\./g, '').replace(/[^*?[]/g, '').length;
  if (wildcards > MAX_GLOB_WILDCARDS) {
    throw new GlobError(`The path glob has ${wildcards} wildcards; the limit is ${MAX_GLOB_WILDCARDS}.`);
  }
  const negated = glob.startsWith('!') && !glob.startsWith('!(');
  const body = negated ? glob.slice(1) : glob;
  const alternatives = expandBraces(body);
  const matchers = alternatives.map(compileAlternative);
  // Like picomatch, one trailing slash of the path is optional: `**/conversations` matches `/v1/conversations/`.
  const matches = (path: string) =>
    matchers.some((m) => m(path) || (path.length > 1 && path.endsWith('/') && m(path.slice(0, -1))));
  return negated ? (path) => !matches(path) : matches;
}

/** Why a glob would be refused, or null when `toPathMatcher` accepts it. */
export function checkPathGlob(glob: string): string | null {
  try {
    toPathMatcher(glob);
    return null;
  } catch (error) {
    if (error instanceof GlobError) return error.message;
    throw error;
  }
}

/** A zod schema for a path glob field: refuses what `toPathMatcher` refuses, with its reason. */
export const pathGlobSchema = z.string().superRefine((glob, ctx) => {
  const problem = checkPathGlob(glob);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// --- braces ---

function expandBraces(glob: string): string[] {
  let results = [''];
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '\\') {
      results = results.map((r) => r + glob.slice(i, i + 2));
      i++;
      continue;
    }
    if ((ch === '@' || ch === '!' || ch === '+' || ch === '*' || ch === '?') && glob[i + 1] === '(') {
      throw new GlobError(`Extglob patterns such as ${ch}(a|b) are not supported; please use {a,b}.`);
    }
    if (ch === '{') {
      const close = findBraceEnd(glob, i);
      const inner = close === -1 ? null : splitTopLevel(glob.slice(i + 1, close));
      if (close !== -1 && inner && inner.length > 1) {
        const options = inner.flatMap((part) => expandBraces(part));
        const next: string[] = [];
        for (const r of results) for (const o of options) next.push(r + o);
        results = next;
        checkExpansion(results);
        i = close;
        continue;
      }
      if (close !== -1 && /^[^,]*\.\.[^,]*$/.test(glob.slice(i + 1, close))) {
        throw new GlobError(
          'Brace ranges such as {1..3} are not supported; please list the values: {1,2,3}.',
        );
      }
    }
    results = results.map((r) => r + ch);
  }
  checkExpansion(results);
  return results;
}

function checkExpansion(results: string[]) {
  if (results.length > MAX_GLOB_ALTERNATIVES) {
    throw new GlobError(`The path glob expands to more than ${MAX_GLOB_ALTERNATIVES} alternatives.`);
  }
  if (results.reduce((sum, r) => sum + r.length, 0) > MAX_GLOB_EXPANDED_LENGTH) {
    throw new GlobError(`The path glob expands to more than ${MAX_GLOB_EXPANDED_LENGTH} characters.`);
  }
}

function findBraceEnd(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

// --- segments ---

type Test<T> = (element: T) => boolean;

function compileAlternative(glob: string): (path: string) => boolean {
  const texts = splitSegments(glob);
  // A `**` segment is the star of the path level (null); `**/**` is one star.
  const items: (Test<string> | null)[] = [];
  texts.forEach((text, i) => {
    if (text === '**') {
      if (items.at(-1) !== null) items.push(null);
      return;
    }
    const pattern = compileSegment(text);
    const literal = toLiteral(pattern, text);
    if (literal !== null) {
      items.push((segment) => segment === literal);
      return;
    }
    // Like picomatch, a lone `*` matches an empty segment (`*/a` matches `/a`) except the last one (`a/*` needs one).
    if (text === '*' && i === texts.length - 1) pattern.unshift(() => true);
    items.push(toSequenceMatcher(pattern, true));
  });
  const match = toSequenceMatcher(items, false);
  return (path) => match(path.split('/'));
}

/** The text a segment pattern without wildcards stands for, or null. */
function toLiteral(pattern: readonly (Test<string> | null)[], text: string): string | null {
  if (/[*?[]/.test(text.replace(/\\./g, ''))) return null;
  const literal = text.replace(/\\(.)/g, '$1');
  return literal.length === pattern.length ? literal : null;
}

// Splits at unescaped slashes (a character class never holds one: findClassEnd refuses it).
function splitSegments(glob: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '\\') {
      current += glob.slice(i, i + 2);
      i++;
    } else if (ch === '/') {
      segments.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return segments;
}

function compileSegment(text: string): (Test<string> | null)[] {
  const pattern: (Test<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      const literal = text[++i]!;
      pattern.push((c) => c === literal);
    } else if (ch === '*') {
      if (pattern.at(-1) !== null) pattern.push(null);
    } else if (ch === '?') {
      pattern.push(() => true);
    } else if (ch === '[' && findClassEnd(text, i) !== -1) {
      const end = findClassEnd(text, i);
      pattern.push(compileClass(text.slice(i + 1, end)));
      i = end;
    } else {
      pattern.push((c) => c === ch);
    }
  }
  return pattern;
}

function findClassEnd(text: string, open: number): number {
  let i = open + 1;
  if (text[i] === '!' || text[i] === '^') i++;
  if (text[i] === ']') i++;
  for (; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '/') return -1;
    else if (text[i] === ']') return i;
  }
  return -1;
}

function compileClass(inner: string): Test<string> {
  if (inner.includes('[:')) throw new GlobError('POSIX classes such as [[:alpha:]] are not supported.');
  const negated = inner.startsWith('!') || inner.startsWith('^');
  const body = negated ? inner.slice(1) : inner;
  const ranges: [string, string][] = [];
  for (let i = 0; i < body.length; i++) {
    let from = body[i]!;
    if (from === '\\' && i + 1 < body.length) from = body[++i]!;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      let to = body[i + 2]!;
      i += 2;
      if (to === '\\' && i + 1 < body.length) to = body[++i]!;
      ranges.push([from, to]);
    } else {
      ranges.push([from, from]);
    }
  }
  return (c) => ranges.some(([from, to]) => c >= from && c <= to) !== negated;
}

/**
 * Compiles a glob-like sequence pattern (characters of a segment, or segments of a path): each item matches one
 * element, `null` (a star) any number. It runs as a nondeterministic automaton over bit sets (bit i: the first i
 * items matched), so the time is (input length × items / 32) at worst and never exponential.
 * With `cacheByElement`, the items an element satisfies are remembered per element (characters repeat).
 */
function toSequenceMatcher<T extends string>(
  items: readonly (Test<T> | null)[],
  cacheByElement: boolean,
): (input: ArrayLike<T>) => boolean {
  const size = items.length;
  const words = (size >> 5) + 1;
  const stars = new Uint32Array(words);
  items.forEach((item, i) => {
    if (item === null) stars[i >> 5]! |= 1 << (i & 31);
  });
  const cache = new Map<T, Uint32Array>();
  const scratch = new Uint32Array(words);
  const isSet = (set: Uint32Array, i: number) => (set[i >> 5]! & (1 << (i & 31))) !== 0;
  // The items `element` satisfies, among the active ones (all of them when cached).
  const accepted = (element: T, active: Uint32Array) => {
    const known = cache.get(element);
    if (known) return known;
    const mask = cacheByElement ? new Uint32Array(words) : scratch.fill(0);
    for (let i = 0; i < size; i++) {
      const item = items[i];
      if (item && (cacheByElement || isSet(active, i)) && item(element)) mask[i >> 5]! |= 1 << (i & 31);
    }
    if (cacheByElement) {
      if (cache.size >= 256) cache.clear();
      cache.set(element, mask);
    }
    return mask;
  };
  // A star at i also means state i + 1 (the star matched nothing); stars never follow stars.
  const close = (set: Uint32Array) => {
    let carry = 0;
    for (let w = 0; w < words; w++) {
      const starred = set[w]! & stars[w]!;
      set[w]! |= (starred << 1) | carry;
      carry = starred >>> 31;
    }
  };
  // Two buffers reused by every call (matching is synchronous, and each matcher has its own).
  let state = new Uint32Array(words);
  let next = new Uint32Array(words);
  return (input) => {
    state.fill(0);
    state[0] = 1;
    close(state);
    for (let e = 0; e < input.length; e++) {
      const mask = accepted(input[e]!, state);
      let carry = 0;
      let any = 0;
      for (let w = 0; w < words; w++) {
        const moved = state[w]! & mask[w]!;
        next[w] = (moved << 1) | carry | (state[w]! & stars[w]!);
        carry = moved >>> 31;
        any |= next[w]!;
      }
      if (any === 0) return false;
      close(next);
      [state, next] = [next, state];
    }
    return isSet(state, size);
  };
}
