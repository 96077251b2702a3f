import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect, test } from 'vitest';
import { toOpenApiPath } from '../../src/openapi.ts';
import { defaultProviders } from '../../src/providers/registry.ts';
import { scenarioExtension } from '../../src/scenarios/index.ts';
import type { Simulator } from '../../src/simulator.ts';
import { admin } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};
type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean; schema: object }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, unknown>;
};

// biome-ignore lint/suspicious/noExplicitAny: ajv-formats ships CJS typings without a proper default.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

// The structure OpenAPI 3.1 requires of a document, its path items, operations, parameters and responses.
const structure = {
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      properties: { title: { type: 'string' }, version: { type: 'string' } },
    },
    jsonSchemaDialect: { type: 'string' },
    security: { type: 'array', items: { type: 'object' } },
    tags: { type: 'array', items: { type: 'object', required: ['name'] } },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: { enum: [...METHODS, 'parameters', 'summary', 'description'] },
        additionalProperties: {
          type: 'object',
          required: ['responses'],
          properties: {
            tags: { type: 'array', items: { type: 'string' } },
            summary: { type: 'string' },
            description: { type: 'string' },
            operationId: { type: 'string' },
            parameters: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'in', 'schema'],
                properties: {
                  name: { type: 'string' },
                  in: { enum: ['query', 'path', 'header', 'cookie'] },
                  required: { type: 'boolean' },
                },
                if: { properties: { in: { const: 'path' } } },
                // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then.
                then: { required: ['required'], properties: { required: { const: true } } },
              },
            },
            requestBody: { type: 'object', required: ['content'] },
            responses: {
              type: 'object',
              minProperties: 1,
              propertyNames: { pattern: '^([1-5]\\d\\d|[1-5]XX|default)$' },
              additionalProperties: {
                type: 'object',
                anyOf: [{ required: ['description'] }, { required: ['$ref'] }],
              },
            },
          },
        },
      },
    },
    components: {
      type: 'object',
      properties: {
        schemas: { type: 'object' },
        responses: { type: 'object' },
        securitySchemes: { type: 'object' },
      },
    },
  },
} as const;

async function fullSimulator(): Promise<Simulator> {
  return await createTestSimulator({
    providers: defaultProviders,
    defaultFixtures: true,
    fixtures: {},
    extensions: [scenarioExtension()],
  });
}

async function openapiOf(sim: Simulator): Promise<Doc> {
  const res = await admin(sim, 'GET', '/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

function operations(doc: Doc): [string, string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [path, method, op] as [string, string, Operation]),
  );
}

test('GET /__admin/openapi.json is an OpenAPI 3.1 document whose every schema is valid JSON Schema 2020-12', async () => {
  const sim = await fullSimulator();
  const doc = await openapiOf(sim);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(structure);
  expect(validate(doc), JSON.stringify(validate.errors, null, 1)).toBe(true);
  const ids = operations(doc).map(([, , op]) => op.operationId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const [path, method, op] of operations(doc)) {
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    expect(declared.sort(), `${method} ${path}`).toEqual(templated.sort());
    const schemas = [
      ...(op.parameters ?? []).map((p) => p.schema),
      ...Object.values(op.requestBody?.content ?? {}).map((c) => c.schema),
    ];
    for (const schema of schemas) expect(() => ajv.compile(schema), `${method} ${path}`).not.toThrow();
  }
  for (const schema of Object.values(doc.components.schemas)) ajv.compile(schema);
});

test('every mounted admin route appears in the OpenAPI document, provider operations and scenarios included', async () => {
  const sim = await fullSimulator();
  const doc = await openapiOf(sim);
  const mounted = sim.app.routes.filter(
    (r) => r.path.startsWith('/__admin') && r.method !== 'ALL' && !r.path.includes('*'),
  );
  expect(mounted.length).toBeGreaterThan(30);
  const missing = mounted
    .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`)
    .filter((key) => {
      const [method, path] = key.split(' ') as [string, string];
      return doc.paths[path]?.[method] === undefined;
    });
  expect(missing).toEqual([]);
  for (const path of [
    '/__admin/scenarios/runs',
    '/__admin/requests/wait',
    '/__admin/openapi.json',
    '/__admin',
  ]) {
    expect(Object.keys(doc.paths)).toContain(path);
  }
});

test('provider admin operations are described with the JSON Schema of their arguments', async () => {
  const sim = await fullSimulator();
  const doc = await openapiOf(sim);
  const described = sim.control.operations();
  expect(described.length).toBeGreaterThan(0);
  for (const op of described) {
    const path = toOpenApiPath(`/__admin/providers/${op.provider}${op.path}`);
    const operation = doc.paths[path]?.[op.method.toLowerCase()];
    expect(operation, `${op.method} ${path}`).toBeDefined();
    expect(Object.keys(operation!.responses)).toContain(String(op.status));
    const properties = Object.keys((op.args.properties ?? {}) as object);
    const documented = [
      ...(operation!.parameters ?? []).map((p) => p.name),
      ...Object.keys(
        ((operation!.requestBody?.content['application/json']?.schema ?? {}) as { properties?: object })
          .properties ?? {},
      ),
    ];
    expect(documented.sort(), `${op.method} ${path}`).toEqual(expect.arrayContaining(properties.sort()));
  }
});

test('a request that violates a route schema is refused with the documented error envelope', async () => {
  const sim = await fullSimulator();
  const doc = await openapiOf(sim);
  const ajv = new Ajv2020({ strict: false });
  const envelope = ajv.compile(doc.components.schemas.AdminError!);
  const cases: [string, string, unknown, RegExp][] = [
    ['POST', '/faults', { status: 503, nope: 1 }, /^Invalid body: .*nope/s],
    ['GET', '/requests?status=abc', undefined, /^Invalid query: .*status/s],
    ['GET', '/deliveries?state=lost', undefined, /^Invalid query: .*state/s],
    ['POST', '/requests/wait', { match: { nope: 1 } }, /^Invalid body: .*nope/s],
    ['POST', '/deliveries/wait', { since: { requestSeq: -1 } }, /^Invalid body: .*since/s],
    ['GET', '/idle?settle=forever', undefined, /^Invalid query: .*duration/s],
    ['POST', '/clock/advance', { by: true }, /^Invalid body: .*by/s],
    ['POST', '/conversations/ece/1/actions', {}, /^Invalid body: .*action/s],
    ['GET', '/conversations?limit=0', undefined, /^Invalid query: .*limit/s],
    ['GET', '/state/ece?secrets=maybe', undefined, /^Invalid query: .*secrets/s],
  ];
  for (const [method, path, body, message] of cases) {
    const res = await admin(sim, method, path, body);
    const json = (await res.json()) as { error: string };
    expect(res.status, `${method} ${path}`).toBe(400);
    expect(envelope(json), `${method} ${path}`).toBe(true);
    expect(json.error, `${method} ${path}`).toMatch(message);
    const documented =
      doc.paths[
        `/__admin${path.split('?')[0]!.replace('/ece/1/', '/{provider}/{conversationId}/').replace('/state/ece', '/state/{provider}')}`
      ]?.[method.toLowerCase()];
    expect(documented?.responses.default, `${method} ${path}`).toEqual({
      $ref: '#/components/responses/Error',
    });
  }
});

test('GET /__admin answers an index that links the routes, the OpenAPI document and the inspector', async () => {
  const sim = await fullSimulator();
  const res = await admin(sim, 'GET', '');
  expect(res.status).toBe(200);
  const index = (await res.json()) as {
    links: Record<string, string>;
    routes: { method: string; path: string }[];
  };
  expect(index.links).toMatchObject({ openapi: '/__admin/openapi.json', inspector: '/__inspector' });
  expect(index.routes).toContainEqual(
    expect.objectContaining({ method: 'POST', path: '/__admin/requests/wait' }),
  );
  const html = await sim.app.request('/__admin', { headers: { accept: 'text/html' } });
  expect(html.headers.get('content-type')).toContain('text/html');
  expect(await html.text()).toContain('<a href="/__admin/openapi.json">');
});
