// Validates 8x8 responses against 8x8's own OpenAPI files (reference/8x8/). Where a spec contradicts itself
// the override is listed in SPEC_OVERRIDES and in docs/providers/8x8.md ("Spec contradictions").
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const REFERENCE = fileURLToPath(new URL('./openapi/', import.meta.url));

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, Json> };
type Spec = { paths: Record<string, Record<string, Operation>>; components: Json };

/**
 * The Gateway YAML has multi-line double-quoted descriptions whose continuation lines are not indented
 * deeper than their key (invalid YAML 1.2); indenting those lines parses it without changing any value
 * that matters (descriptions are folded anyway).
 */
export function fixGatewayYaml(text: string): string {
  const out: string[] = [];
  let open = false;
  let pad = '';
  const quotes = (line: string) => (line.match(/(?<!\\)"/g) ?? []).length;
  for (const line of text.split('\n')) {
    if (!open) {
      const match = /^(\s*)(?:- )?[\w$.-]+:\s*"/.exec(line);
      if (match && quotes(line) % 2 === 1) {
        open = true;
        pad = ' '.repeat(match[1]!.length + 2);
      }
      out.push(line);
    } else {
      out.push(line.trim() === '' ? line : pad + line);
      if (quotes(line) % 2 === 1) open = false;
    }
  }
  return out.join('\n');
}

/** Loads both specs. */
export function loadSpecs(): { v2: Spec; gateway: Spec } {
  const v2 = JSON.parse(readFileSync(`${REFERENCE}chat-api-v2.openapi.json`, 'utf8')) as Spec;
  const gateway = parse(
    fixGatewayYaml(readFileSync(`${REFERENCE}chat-gateway-v1.openapi.yml`, 'utf8')),
  ) as Spec;
  return { v2, gateway };
}

/** Resolves local `$ref`s into one self-contained schema (the specs have no recursive schemas). */
function deref(node: unknown, root: Json, seen: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => deref(n, root, seen));
  if (typeof node !== 'object' || node === null) return node;
  const object = node as Json;
  if (typeof object.$ref === 'string') {
    const ref = object.$ref;
    if (seen.includes(ref)) throw new Error(`recursive $ref ${ref}`);
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((v, k) => (v as Json)[k], root);
    return deref(target, root, [...seen, ref]);
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, deref(v, root, seen)]));
}

/** Names of the properties an (allOf-composed) object schema defines. */
function definedProperties(schema: Json): Set<string> {
  const names = new Set(Object.keys((schema.properties as Json | undefined) ?? {}));
  for (const part of (schema.allOf as Json[] | undefined) ?? [])
    for (const n of definedProperties(part)) names.add(n);
  return names;
}

/**
 * Adapts an OpenAPI 3.0 schema to JSON Schema: `nullable`, and `required` names the schema never defines
 * (a spec bug: e.g. MessageResult requires `type` and `senderId`) are dropped.
 */
function normalize(node: unknown, siblings?: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => normalize(n));
  if (typeof node !== 'object' || node === null) return node;
  const schema = { ...(node as Json) };
  const defined = siblings ?? definedProperties(schema);
  if (Array.isArray(schema.required)) {
    schema.required = (schema.required as string[]).filter((n) => defined.has(n));
  }
  if (schema.nullable === true && typeof schema.type === 'string') schema.type = [schema.type, 'null'];
  // OpenAPI 3.0 (draft-4 style) boolean exclusive bounds.
  for (const [flag, bound] of [
    ['exclusiveMaximum', 'maximum'],
    ['exclusiveMinimum', 'minimum'],
  ] as const) {
    if (typeof schema[flag] === 'boolean') {
      if (schema[flag] === true) schema[flag] = schema[bound];
      else delete schema[flag];
      if (schema[flag] !== undefined) delete schema[bound];
    }
  }
  delete schema.nullable;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'allOf' && Array.isArray(value)) {
      const union = definedProperties(schema);
      out.allOf = value.map((part) =>
        normalize(part, new Set([...union, ...definedProperties(part as Json)])),
      );
    } else if (key === 'properties' && typeof value === 'object' && value) {
      out.properties = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, normalize(v)]));
    } else if (key === 'example' || key === 'examples' || key === 'description') {
      // not validation keywords
    } else {
      out[key] = typeof value === 'object' ? normalize(value) : value;
    }
  }
  return out;
}

const JWK_SCHEMA = {
  type: 'object',
  required: ['kty', 'e', 'kid', 'n'],
  properties: {
    kty: { const: 'RSA' },
    e: { type: 'string' },
    kid: { type: 'string' },
    n: { type: 'string' },
  },
};

/**
 * Documented overrides where a spec contradicts itself. Keyed `<api> <METHOD> <spec path> <status>`;
 * the value replaces the response schema (or, with `problemAnyOf`, allows a second documented schema).
 */
export const SPEC_OVERRIDES: Record<string, { reason: string; schema?: unknown; problemAnyOf?: string }> = {
  'v2 GET /vcc/{region}/chat/v2/jwk/{jwk-id}/public 200': {
    reason: 'schema says type string, its example (and every JWK) is an object',
    schema: JWK_SCHEMA,
  },
  'gateway GET /chat-gateway/v1/jwk/{jwkId}/public 200': {
    reason: 'schema says type string, its example (and every JWK) is an object',
    schema: JWK_SCHEMA,
  },
  'v2 GET /vcc/{region}/chat/v2/tenant/{tenant-id}/conversations/{conversation-id}/participants 200': {
    reason: 'participants is typed as one object, described as "(AgentId, Customer, Bot)": served as a list',
    schema: {
      type: 'object',
      required: ['participants'],
      properties: {
        participants: { type: 'array', items: { $ref: '#/components/schemas/ConversationParticipants' } },
      },
    },
  },
  'gateway POST /chat-gateway/v1/channels 403': {
    reason: 'this one 403 points at GenericExceptionPayload; every other 403 is ForbiddenViolationProblem',
    problemAnyOf: 'ForbiddenViolationProblem',
  },
  'gateway POST /chat-gateway/v1/conversations/{conversationId}/attachments 403': {
    reason: 'this one 403 points at GenericExceptionPayload; every other 403 is ForbiddenViolationProblem',
    problemAnyOf: 'ForbiddenViolationProblem',
  },
};

type Route = {
  api: 'v2' | 'gateway';
  path: string;
  regex: RegExp;
  params: number;
  methods: Record<string, Operation>;
};

/** A response as the contract sees it. */
export type ContractResponse = {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  body: string;
};

/** Creates the validator; `seen` collects the spec operations checked so far. */
export function createOpenApiValidator() {
  const specs = loadSpecs();
  // biome-ignore lint/suspicious/noExplicitAny: ajv-formats ships CJS typings without a proper default.
  const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (
    ajv: Ajv,
    f: string[],
  ) => Ajv;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv, ['date-time', 'email', 'uri']);
  // InteractionInfo says `format: date` but its example is a date-time: both are accepted (see docs).
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/);
  for (const f of ['string', 'int32', 'int64', 'integer', 'binary', 'uuid']) ajv.addFormat(f, true);

  const routes: Route[] = [];
  for (const api of ['v2', 'gateway'] as const) {
    for (const [path, methods] of Object.entries(specs[api].paths)) {
      const params = (path.match(/\{[^}]+\}/g) ?? []).length;
      const regex = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      routes.push({ api, path, regex, params, methods: methods as Record<string, Operation> });
    }
  }
  const cache = new Map<string, ValidateFunction>();
  const compile = (key: string, api: 'v2' | 'gateway', schema: unknown) => {
    let fn = cache.get(key);
    if (!fn) {
      const root = specs[api] as unknown as Json;
      fn = ajv.compile(normalize(deref(schema, root)) as object);
      cache.set(key, fn);
    }
    return fn;
  };

  const seen = new Set<string>();
  const operations = routes.flatMap((r) =>
    Object.keys(r.methods).map((m) => `${r.api} ${m.toUpperCase()} ${r.path}`),
  );

  /** Checks one response; returns its violations (empty when it conforms). */
  function check(response: ContractResponse): string[] {
    const candidates = routes
      .filter((r) => r.regex.test(response.path) && r.methods[response.method.toLowerCase()])
      .sort((a, b) => a.params - b.params);
    const route = candidates[0];
    // Routes the specs do not have (the core's unknown-route answer) have no contract to meet.
    if (!route) return [];
    const operation = route.methods[response.method.toLowerCase()]!;
    seen.add(`${route.api} ${response.method.toUpperCase()} ${route.path}`);
    const where = `${route.api} ${response.method} ${route.path} ${response.status}`;
    const documented = operation.responses[String(response.status)] ?? operation.responses.default;
    if (!documented) return [`${where}: status not documented`];
    const resolved = deref(documented, specs[route.api] as unknown as Json) as {
      content?: Record<string, Json>;
    };
    if (!resolved.content && response.status >= 400 && documented === operation.responses.default) {
      // `default` here describes the success ("Confirms that the ... left"): an error gets the API's
      // general error schema (see docs, spec contradictions).
      const general = route.api === 'v2' ? 'InternalServerProblem' : 'GenericExceptionPayload';
      resolved.content = {
        'application/problem+json': { schema: { $ref: `#/components/schemas/${general}` } },
      };
    }
    if (!resolved.content) {
      return response.body === ''
        ? []
        : [`${where}: documented without a body, got ${response.body.slice(0, 80)}`];
    }
    const mediaType = (response.contentType ?? '').split(';')[0]!.trim();
    const media = resolved.content[mediaType];
    if (!media)
      return [
        `${where}: content type ${mediaType} is not one of ${Object.keys(resolved.content).join(', ')}`,
      ];
    if (!media.schema || !/json/.test(mediaType)) return [];
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return [`${where}: body is not JSON: ${response.body.slice(0, 80)}`];
    }
    const override = SPEC_OVERRIDES[where];
    const schema = override?.schema ?? media.schema;
    const validate = compile(`${where} main`, route.api, schema);
    if (validate(body)) return [];
    if (override?.problemAnyOf) {
      const alt = compile(`${where} alt`, route.api, {
        $ref: `#/components/schemas/${override.problemAnyOf}`,
      });
      if (alt(body)) return [];
    }
    return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message}`);
  }
  return { check, seen, operations };
}
