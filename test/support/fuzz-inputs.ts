// Generated hostile input for the fuzz suite (issue 10 deliverable 3): values, bodies and mutations of a valid request.
import fc from 'fast-check';

/** A piece of JSON text spliced verbatim into a generated body (deep nesting, own `__proto__` keys, huge values). */
export class RawJson {
  readonly text: string;
  readonly label: string;
  constructor(text: string, label: string) {
    this.text = text;
    this.label = label;
    Object.freeze(this);
  }
}

/** Names that live on Object.prototype (or are special to it): as ids, keys, tokens and values. */
export const PROTO_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
] as const;

const HUGE = 'x'.repeat(100_000);
const HUGE_DIGITS = '9'.repeat(400);
const LONG_EMAIL = `${'a'.repeat(30_000)}@${'a'.repeat(30_000)}`;
const DOTTED = `a@${'a.'.repeat(20_000)}!`;

/** Object with an own `key` property (plain assignment of `__proto__` would set the prototype instead). */
export function withOwn(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** A fresh copy of a generated value (own `__proto__` keys kept), so that mutating a body never edits a shared one. */
export function copyValue(value: unknown): unknown {
  if (value instanceof RawJson) return value;
  if (Array.isArray(value)) return value.map(copyValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value))
      withOwn(out, key, copyValue((value as Record<string, unknown>)[key]));
    return out;
  }
  return value;
}

/** `depth` levels of nested arrays or objects, as JSON text. */
export function deepJson(depth: number, kind: 'array' | 'object'): RawJson {
  const text =
    kind === 'array'
      ? `${'['.repeat(depth)}${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return new RawJson(text, `${depth} nested ${kind}s`);
}

/** Serializes a generated value: RawJson verbatim, own keys (including `__proto__`) kept, no recursion limit issues. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .map((key) => `${JSON.stringify(key)}:${toJsonText(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A short, single-line description of a generated value for reports. */
export function describeValue(value: unknown, max = 80): string {
  if (value instanceof RawJson) return `<${value.label}>`;
  if (typeof value === 'string' && value.length > max) {
    const head = JSON.stringify(value.slice(0, 24));
    return `${head.slice(0, -1)}…" (${value.length} chars)`;
  }
  const text = toJsonText(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/** A coarse class of a value, so that findings differing only in the random value are reported once. */
export function classifyValue(value: unknown): string {
  if (value instanceof RawJson) return `raw:${value.label.replace(/\d+/g, 'N')}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    return keys.some((k) => (PROTO_NAMES as readonly string[]).includes(k)) ? 'object-proto-key' : 'object';
  }
  if (typeof value === 'string') {
    if ((PROTO_NAMES as readonly string[]).includes(value)) return `string:${value}`;
    if (value.length > 1000) return 'string-huge';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is classified.
    if (/[\u0000-\u001f\u007f\u2028\u2029\u202e]|[\ud800-\udfff]/.test(value)) return 'string-control';
    if (value === '') return 'string-empty';
    return 'string';
  }
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** An e-mail address that costs a backtracking `^[^\s@]+@[^\s@]+\.[^\s@]+$` quadratic time (issue 10 item 6). */
export const EMAIL_BOMB = `a@${'.'.repeat(60_000)} `;
/** A string that forges a log line when a message quotes it raw. */
export const FORGED_LINE = 'line\r\nX-Forged: 1\n[convosim] error: forged';
/** A glob that costs a backtracking matcher exponential time (issue 10 item 6). */
export const GLOB_BOMB = `**/${'*a'.repeat(8)}*b`;

const protoObjects: unknown[] = [
  withOwn({}, '__proto__', { polluted: 'yes' }),
  withOwn({}, 'constructor', { prototype: { polluted: 'yes' } }),
  withOwn({}, 'prototype', { polluted: 'yes' }),
  withOwn({ a: 1 }, 'hasOwnProperty', 'x'),
  [withOwn({}, '__proto__', { polluted: 'yes' })],
];

/** Values of the wrong type, extreme size or hostile content, for any field of a body. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      1e308,
      -1e308,
      2 ** 53 + 1,
      '',
      ' ',
      'NaN',
      'Infinity',
      '-Infinity',
      '1e309',
      '-0',
      '0x1F',
      'null',
      'true',
      '\u0000',
      FORGED_LINE,
      '\u202e\u0007\u001b[31m',
      '\ud800',
      '😀'.repeat(20),
      '<script>alert(1)</script>',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup, sent as literal text.
      '${jndi:ldap://x}',
      "' OR 1=1 --",
      '%00',
      '../../etc/passwd',
      [],
      {},
      [null],
      [[[]]],
      { a: {} },
    ),
    weight: 6,
  },
  { arbitrary: fc.constantFrom<unknown>(...PROTO_NAMES), weight: 3 },
  { arbitrary: fc.constantFrom<unknown>(...protoObjects), weight: 3 },
  { arbitrary: fc.constantFrom<unknown>(HUGE, HUGE_DIGITS, LONG_EMAIL, DOTTED, GLOB_BOMB), weight: 2 },
  {
    arbitrary: fc.constantFrom<unknown>(
      deepJson(2000, 'array'),
      deepJson(2000, 'object'),
      new RawJson(HUGE_DIGITS, '400-digit number'),
      new RawJson('-0.0e-999999', 'tiny exponent'),
    ),
    weight: 2,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
);

/**
 * Cases aimed at the fields of a valid body by what they hold: an e-mail-like string gets the e-mail bomb, a path or
 * glob gets the glob bomb. Built from the valid bodies of the route (both variants when `prepare` alternates).
 */
export function targeted(bodies: readonly unknown[]): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const seen = new Set<string>();
  const visit = (value: unknown, path: Array<string | number>) => {
    if (typeof value === 'string') {
      const key = String(path.at(-1) ?? '');
      const bomb = value.includes('@')
        ? EMAIL_BOMB
        : key === 'path' || value.includes('*')
          ? GLOB_BOMB
          : null;
      const id = path.join('.');
      if (bomb && !seen.has(id)) {
        seen.add(id);
        cases.push({ mutations: [{ kind: 'at', path, value: bomb }], fault: null });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(item, [...path, i]);
      });
    } else if (value !== null && typeof value === 'object') {
      // An object field given a string that forges a log line if it is quoted raw (issue 10 item 10).
      const id = `${path.join('.')}#forged`;
      if (path.length > 0 && !seen.has(id)) {
        seen.add(id);
        cases.push({ mutations: [{ kind: 'at', path, value: FORGED_LINE }], fault: null });
      }
      for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key], [...path, key]);
    }
  };
  for (const body of bodies) visit(body, []);
  return cases;
}

/** The values most likely to break a field's handling, tried once each on a route's first fields. */
const SHARP_VALUES: readonly unknown[] = [
  null,
  1e308,
  HUGE_DIGITS,
  new RawJson(HUGE_DIGITS, '400-digit number'),
  '__proto__',
  'constructor',
  {},
  [],
  HUGE,
  protoObjects[0],
  protoObjects[1],
  FORGED_LINE,
];

/** Malformed or hostile JSON documents, replacing the whole body. */
export const RAW_JSON_BODIES: ReadonlyArray<{ label: string; text: string }> = [
  { label: 'truncated object', text: '{"a":' },
  { label: 'lone brace', text: '{' },
  { label: 'trailing comma', text: '[1,]' },
  { label: 'extra closing brace', text: '{"a":1}}' },
  { label: 'bare word', text: 'nul' },
  { label: 'NUL byte', text: '\u0000' },
  { label: 'single quotes', text: "{'a':1}" },
  { label: 'BOM before JSON', text: '\ufeff{}' },
  { label: 'JSON string', text: '"just a string"' },
  { label: 'JSON number', text: '42' },
  { label: 'JSON null', text: 'null' },
  { label: 'JSON array', text: '[1,2,3]' },
  { label: 'own __proto__ key', text: '{"__proto__":{"polluted":"yes"}}' },
  { label: 'constructor.prototype', text: '{"constructor":{"prototype":{"polluted":"yes"}}}' },
  { label: 'duplicate keys', text: '{"a":1,"a":{"__proto__":{"polluted":"yes"}}}' },
  { label: 'lone surrogate', text: '{"a":"\\ud800"}' },
  { label: '2000 nested arrays', text: deepJson(2000, 'array').text },
  { label: '2000 nested objects', text: deepJson(2000, 'object').text },
  { label: '10000 nested arrays', text: deepJson(10_000, 'array').text },
  { label: '10000 nested objects', text: deepJson(10_000, 'object').text },
  { label: '400-digit number', text: HUGE_DIGITS },
  { label: 'huge string', text: JSON.stringify(HUGE) },
];

/** Malformed documents left to the generated cases (the catalogue keeps one of each kind of breakage). */
const GENERATED_ONLY = new Set([
  'lone brace',
  'bare word',
  'single quotes',
  'JSON number',
  'extra closing brace',
  'trailing comma',
]);

const billionLaughs = [
  '<?xml version="1.0"?>',
  '<!DOCTYPE lolz [',
  '<!ENTITY lol "lol">',
  ...Array.from(
    { length: 9 },
    (_, i) =>
      `<!ENTITY lol${i + 1} "${Array.from({ length: 10 }, () => `&lol${i === 0 ? '' : i};`).join('')}">`,
  ),
  ']>',
  '<lolz>&lol9;</lolz>',
].join('');

/** Malformed or hostile XML documents (ECE reads XML). */
export const RAW_XML_BODIES: ReadonlyArray<{ label: string; text: string }> = [
  { label: 'unclosed element', text: '<a><b></a>' },
  { label: 'lone angle bracket', text: '<' },
  { label: 'text only', text: 'not xml at all' },
  { label: 'billion laughs', text: billionLaughs },
  {
    label: 'external entity',
    text: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>',
  },
  { label: 'internal entity', text: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>' },
  { label: '2000 nested elements', text: `${'<a>'.repeat(2000)}x${'</a>'.repeat(2000)}` },
  { label: '10000 nested elements', text: `${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}` },
  { label: '__proto__ element', text: '<x><__proto__><polluted>yes</polluted></__proto__></x>' },
  { label: 'constructor element', text: '<x><constructor><prototype><p>1</p></prototype></constructor></x>' },
  { label: '__proto__ attribute', text: '<x __proto__="1" constructor="2"><y/></x>' },
  { label: 'attribute flood', text: `<x ${Array.from({ length: 5000 }, (_, i) => `a${i}="1"`).join(' ')}/>` },
  { label: 'CDATA with NUL', text: '<x><![CDATA[\u0000]]></x>' },
];

/** Values for path parameters: inherited names, very long ids, NUL, dot segments, encoded slashes. */
export const PARAM_VALUES: readonly string[] = [
  ...PROTO_NAMES,
  'x'.repeat(5000),
  '%00',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  'a%2Fb',
  '%252F',
  '%20',
  '%FF',
  '%F0%9F%92%A9',
  '-1',
  'NaN',
  '1e309',
  '99999999999999999999999',
  '%0d%0aX-Forged:%201',
];

/** The path values of the catalogue: inherited names and the sharpest of the rest (all of them are generated too). */
const CATALOGUE_PARAM_VALUES: readonly string[] = [
  ...PROTO_NAMES,
  'x'.repeat(5000),
  '%00',
  '..',
  '%2e%2e',
  '%2F',
  '%FF',
  '1e309',
  '%0d%0aX-Forged:%201',
];

/** Content-Type headers that are wrong, odd or missing (null removes the header). */
export const CONTENT_TYPES: ReadonlyArray<string | null> = [
  null,
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/json; charset=utf-16',
  'application/json; charset=__proto__',
  'application/octet-stream',
  'application/vnd.api+json',
  'text/html',
  '*/*',
  ';;;',
  'application/json, text/plain',
];

const CATALOGUE_CONTENT_TYPES: ReadonlyArray<string | null> = [
  null,
  'text/plain',
  'application/xml',
  'multipart/form-data',
  'application/json; charset=utf-16',
  'application/octet-stream',
];

/** Accept and Accept-Language values. */
export const HEADER_VALUES: ReadonlyArray<[string, string]> = [
  ['accept', 'application/xml'],
  ['accept', 'text/html'],
  ['accept', '*/*'],
  ['accept', 'application/json;q=abc'],
  ['accept', '__proto__'],
  ['accept-language', 'zz'],
  ['accept-language', '*'],
  ['accept-language', 'fr-FR;q=abc'],
  ['accept-language', '__proto__'],
  ['accept-language', `${'en,'.repeat(3000)}en`],
  ['x-8x8-tenant', '__proto__'],
  ['x-8x8-tenant', 'constructor'],
  ['if-match', '__proto__'],
  ['origin', 'https://evil.example'],
];

/** Kinds of multipart oddities (the body becomes multipart/form-data). */
export const MULTIPART_VARIANTS = [
  'document-part',
  'file-odd-names',
  'non-latin1-file-name',
  'proto-field-names',
  'many-parts',
  'missing-boundary',
  'boundary-mismatch',
  'truncated',
  'empty-form',
  'duplicate-fields',
] as const;

/** One change made to a valid request; `pick` chooses among the request's own fields, params or query names. */
export type Mutation =
  | { kind: 'field'; pick: number; value: unknown }
  | { kind: 'at'; path: Array<string | number>; value: unknown }
  | { kind: 'drop'; pick: number }
  | { kind: 'extra'; pick: number; key: string; value: unknown }
  | { kind: 'raw-json'; index: number }
  | { kind: 'raw-xml'; index: number }
  | { kind: 'content-type'; value: string | null }
  | { kind: 'param'; pick: number; value: string }
  | { kind: 'query'; mode: 'set' | 'drop' | 'dup' | 'add'; pick: number; name: string; value: string }
  | { kind: 'auth'; value: string | null }
  | { kind: 'header'; name: string; value: string }
  | { kind: 'multipart'; variant: (typeof MULTIPART_VARIANTS)[number] }
  | { kind: 'oversized' };

/** One generated case: mutations applied in order, and an optional injected fault status. */
export type FuzzCase = { mutations: Mutation[]; fault: number | null };

const pick = fc.nat({ max: 1_000_000 });
const extraKey = fc.oneof(
  fc.constantFrom(...PROTO_NAMES, 'unknownField', '', ' ', 'a.b', '$where', '__proto__.polluted'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** The ways a Bearer/Basic/api-key credential can be wrong: missing, unknown, inherited names, malformed. */
export function authValues(scheme: 'bearer' | 'basic' | 'raw', short = false): Array<string | null> {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const names = PROTO_NAMES.map((n) => (scheme === 'raw' ? n : scheme === 'bearer' ? `Bearer ${n}` : null));
  const basic =
    scheme === 'basic'
      ? [
          ...PROTO_NAMES.slice(0, short ? 4 : PROTO_NAMES.length).map((n) => `Basic ${b64(`${n}:${n}`)}`),
          `Basic ${b64('__proto__:')}`,
          `Basic ${b64(':')}`,
          `Basic ${b64('nocolon')}`,
          'Basic !!!notbase64',
          'Basic ',
        ]
      : [];
  return [
    null,
    '',
    scheme === 'raw' ? 'wrong-token' : scheme === 'bearer' ? 'Bearer wrong-token' : `Basic ${b64('a:b')}`,
    scheme === 'bearer' ? 'Bearer' : 'Basic',
    scheme === 'bearer' ? 'Bearer  ' : 'Bearer x',
    scheme === 'raw' ? 'x'.repeat(10_000) : `Bearer ${'x'.repeat(10_000)}`,
    'Token abc',
    ...names.filter((n): n is string => n !== null),
    ...basic,
  ];
}

/** What a route offers to mutate. */
export type RouteTraits = {
  auth: 'bearer' | 'basic' | 'raw' | null;
  /** Number of path parameters of the route. */
  params: number;
  xml: boolean;
  multipart: boolean;
};

/** The arbitrary of one mutation for a route with these traits. */
export function mutationArb(traits: RouteTraits): fc.Arbitrary<Mutation> {
  const options: Array<{ arbitrary: fc.Arbitrary<Mutation>; weight: number }> = [
    { arbitrary: fc.record({ kind: fc.constant('field' as const), pick, value: hostileValue }), weight: 12 },
    { arbitrary: fc.record({ kind: fc.constant('drop' as const), pick }), weight: 3 },
    {
      arbitrary: fc.record({ kind: fc.constant('extra' as const), pick, key: extraKey, value: hostileValue }),
      weight: 4,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('raw-json' as const),
        index: fc.nat({ max: RAW_JSON_BODIES.length - 1 }),
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('content-type' as const),
        value: fc.constantFrom(...CONTENT_TYPES),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('query' as const),
        mode: fc.constantFrom('set' as const, 'drop' as const, 'dup' as const, 'add' as const),
        pick,
        name: fc.constantFrom(...PROTO_NAMES, 'x', ''),
        value: fc.oneof(fc.constantFrom(...PARAM_VALUES), fc.string({ unit: 'binary', maxLength: 12 })),
      }),
      weight: 2,
    },
    {
      arbitrary: fc
        .constantFrom(...HEADER_VALUES)
        .map(([name, value]) => ({ kind: 'header' as const, name, value })),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('multipart' as const),
        variant: fc.constantFrom(...MULTIPART_VARIANTS),
      }),
      weight: traits.multipart ? 3 : 1,
    },
    { arbitrary: fc.constant({ kind: 'oversized' as const }), weight: 1 },
  ];
  if (traits.params > 0) {
    options.push({
      arbitrary: fc.record({
        kind: fc.constant('param' as const),
        pick,
        value: fc.constantFrom(...PARAM_VALUES),
      }),
      weight: 4,
    });
  }
  if (traits.auth) {
    options.push({
      arbitrary: fc.record({
        kind: fc.constant('auth' as const),
        value: fc.constantFrom(...authValues(traits.auth)),
      }),
      weight: 3,
    });
  }
  if (traits.xml) {
    options.push({
      arbitrary: fc.record({
        kind: fc.constant('raw-xml' as const),
        index: fc.nat({ max: RAW_XML_BODIES.length - 1 }),
      }),
      weight: 3,
    });
  }
  return fc.oneof(...options);
}

/** The arbitrary of one case: one to three mutations, and a fault in about one case of twenty. */
export function caseArb(traits: RouteTraits, withFaults: boolean): fc.Arbitrary<FuzzCase> {
  return fc.record({
    mutations: fc.array(mutationArb(traits), { minLength: 1, maxLength: 3 }),
    fault: withFaults
      ? fc.oneof(
          { arbitrary: fc.constant(null), weight: 19 },
          { arbitrary: fc.constantFrom(500, 503, 429), weight: 1 },
        )
      : fc.constant(null),
  });
}

/**
 * The fixed catalogue run first on every route (fast-check `examples`): each structural attack once, so that a small
 * run count still covers every class (malformed and deep bodies, XML bombs, every path value, every credential).
 */
export function catalogue(traits: RouteTraits, light = false): FuzzCase[] {
  if (light) return lightCatalogue(traits);
  const cases: Mutation[][] = [];
  RAW_JSON_BODIES.forEach((raw, index) => {
    if (!GENERATED_ONLY.has(raw.label)) cases.push([{ kind: 'raw-json', index }]);
  });
  if (traits.xml) {
    RAW_XML_BODIES.forEach((_, index) => {
      cases.push([{ kind: 'raw-xml', index }]);
    });
  }
  for (const value of CATALOGUE_CONTENT_TYPES) cases.push([{ kind: 'content-type', value }]);
  // The sharp path values on the last parameter (the id, on every route here); two inherited names on the others.
  for (let index = 0; index < traits.params; index++) {
    const values = index === traits.params - 1 ? CATALOGUE_PARAM_VALUES : ['__proto__', 'constructor'];
    for (const value of values) cases.push([{ kind: 'param', pick: index, value }]);
  }
  if (traits.auth) for (const value of authValues(traits.auth, true)) cases.push([{ kind: 'auth', value }]);
  const variants = traits.multipart
    ? MULTIPART_VARIANTS
    : (['document-part', 'proto-field-names', 'truncated'] as const);
  for (const variant of variants) cases.push([{ kind: 'multipart', variant }]);
  cases.push([{ kind: 'extra', pick: 0, key: '__proto__', value: { polluted: 'yes' } }]);
  cases.push([{ kind: 'extra', pick: 0, key: 'constructor', value: { prototype: { polluted: 'yes' } } }]);
  // A deep value and each of the sharpest values on the first fields of the body (picks wrap around).
  for (let pick = 0; pick < 4; pick++) cases.push([{ kind: 'field', pick, value: deepJson(2000, 'object') }]);
  SHARP_VALUES.forEach((value, pick) => {
    cases.push([{ kind: 'field', pick, value }]);
  });
  cases.push([{ kind: 'oversized' }]);
  return cases.map((mutations) => ({ mutations, fault: null }));
}

/** The catalogue of a route that shares its handler with a fully fuzzed one (an alias base path): the attacks on
 * ids, credentials and parsers only. */
function lightCatalogue(traits: RouteTraits): FuzzCase[] {
  const cases: Mutation[][] = [];
  const json = new Set([
    'truncated object',
    'own __proto__ key',
    '10000 nested arrays',
    '10000 nested objects',
  ]);
  RAW_JSON_BODIES.forEach((raw, index) => {
    if (json.has(raw.label)) cases.push([{ kind: 'raw-json', index }]);
  });
  if (traits.xml) {
    const xml = new Set(['billion laughs', 'external entity', '10000 nested elements', '__proto__ element']);
    RAW_XML_BODIES.forEach((raw, index) => {
      if (xml.has(raw.label)) cases.push([{ kind: 'raw-xml', index }]);
    });
  }
  for (let index = 0; index < traits.params; index++) {
    for (const value of PROTO_NAMES) cases.push([{ kind: 'param', pick: index, value }]);
  }
  if (traits.auth) {
    for (const value of authValues(traits.auth, true).filter(
      (v) => v !== null && /__proto__|constructor|toString/.test(v),
    )) {
      cases.push([{ kind: 'auth', value }]);
    }
    cases.push([{ kind: 'auth', value: null }]);
  }
  cases.push([{ kind: 'extra', pick: 0, key: '__proto__', value: { polluted: 'yes' } }]);
  cases.push([{ kind: 'multipart', variant: 'proto-field-names' }]);
  return cases.map((mutations) => ({ mutations, fault: null }));
}
