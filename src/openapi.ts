// The admin API's description: routes declared with the zod schemas that validate them (`createRouteBook`), and
// the OpenAPI 3.1 document built from those declarations, the provider admin operations and every other mounted
// route (`buildOpenApiDocument`). One set of schemas validates the requests and documents them.
import { readFileSync } from 'node:fs';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { ControlError } from './errors.ts';
import { readBody } from './http.ts';

/** HTTP methods of documented routes. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** How a route answers on success. */
export type AnswerKind = 'json' | 'sse' | 'text' | 'none';

/** One documented admin route: its schemas validate the request and describe it in the OpenAPI document. */
export type RouteDoc = {
  method: HttpMethod;
  /** The Hono path under /__admin, with `:name` parameters. */
  path: string;
  /** Groups routes in the document (requests, deliveries, waits, clock, ...). */
  tag: string;
  summary: string;
  description?: string;
  /** Validates and describes the query parameters. */
  query?: z.ZodType;
  /** Validates and describes the JSON body. */
  body?: z.ZodType;
  /** Status of a successful answer (default 200). */
  status?: number;
  /** What a successful answer carries (default JSON). */
  answer?: AnswerKind;
};

/** A provider admin operation as the document describes it (control `operations()`). */
export type OperationDoc = {
  provider: string;
  operation: string;
  method: string;
  /** Path under /__admin/providers/<provider>, with `:name` parameters. */
  path: string;
  description: string;
  /** JSON Schema (2020-12) of the arguments: path parameters, query and body fields in one object. */
  args: Record<string, unknown>;
  status: number;
};

type Input<Q, B> = { query: Q; body: B };

/** Declares documented routes on a Hono app; `docs` lists them. */
export type RouteBook = {
  readonly docs: readonly RouteDoc[];
  route<Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown>(
    doc: Omit<RouteDoc, 'query' | 'body'> & { query?: Q; body?: B },
    handler: (c: Context, input: Input<z.output<Q>, z.output<B>>) => Response | Promise<Response>,
  ): void;
};

/**
 * A route book over `app`: each route's query and body are validated by its schemas before the handler runs;
 * a violation is a 400 in the admin envelope (`{ error }`, "Invalid query: ..." or "Invalid body: ...").
 */
export function createRouteBook(app: Hono): RouteBook {
  const docs: RouteDoc[] = [];
  return {
    docs,
    route(doc, handler) {
      docs.push(doc);
      app.on(doc.method.toUpperCase(), doc.path, async (c) => {
        const query = doc.query ? parseInput(doc.query, c.req.query(), 'query') : undefined;
        const body = doc.body ? parseInput(doc.body, await readJsonBody(c), 'body') : undefined;
        return await handler(c, { query, body } as never);
      });
    },
  };
}

/** Parses admin input with a schema; a mistake is a 400 `ControlError` naming where it is. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ControlError(400, `Invalid ${where}: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** Reads a JSON admin body (none is `{}`); unreadable or not JSON is a 400 or 415 `ControlError`. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const body = await readBody(c, ['json']);
  if (!body.ok) throw new ControlError(body.reason === 'malformed' ? 400 : 415, body.message);
  return body.value ?? {};
}

/** What the document is built from. */
export type OpenApiSources = {
  /** Routes declared in route books, with paths under `prefix`. */
  docs: readonly RouteDoc[];
  /** Every route mounted on the admin app (method and Hono path), documented or not. */
  mounted: readonly { method: string; path: string }[];
  operations: readonly OperationDoc[];
  /** Where the admin app is mounted (default /__admin). */
  prefix?: string;
};

const ERROR_RESPONSE = { $ref: '#/components/responses/Error' };

/** Builds the OpenAPI 3.1 document of the admin API. */
export function buildOpenApiDocument(sources: OpenApiSources): Record<string, unknown> {
  const prefix = sources.prefix ?? '/__admin';
  const paths: Record<string, Record<string, unknown>> = {};
  const add = (method: string, honoPath: string, operation: Record<string, unknown>) => {
    const path = toOpenApiPath(`${prefix}${honoPath === '/' ? '' : honoPath}`) || '/';
    const item = paths[path] ?? {};
    paths[path] = item;
    if (item[method] === undefined) item[method] = operation;
  };

  for (const doc of sources.docs) add(doc.method, doc.path, toOperation(doc));
  for (const op of sources.operations) {
    add(op.method.toLowerCase(), `/providers/${op.provider}${op.path}`, toProviderOperation(op));
  }
  for (const { method, path } of sources.mounted) {
    const name = method.toLowerCase();
    if (name === 'all' || path.includes('*')) continue;
    const area = path.split('/')[1] || 'index';
    add(name, path, {
      tags: [area],
      summary: `${method} ${prefix}${path}`,
      description: `Mounted by the ${area} routes; its request schema is not described here.`,
      operationId: toOperationId(name, path),
      parameters: toPathParameters(path),
      responses: { '200': { description: 'Success.' }, default: ERROR_RESPONSE },
    });
  }

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'convosim admin API',
      version: packageVersion(),
      description:
        'Control of a running convosim simulator: journal, deliveries, waits, actions, clock, faults, scenarios ' +
        'and provider admin operations. Guide: docs/admin-api.md. Errors answer `{ error, details? }`.',
    },
    tags: [...new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap(tagsOf)))].map(
      (name) => ({ name }),
    ),
    security: [{}, { bearer: [] }, { adminToken: [] }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: {
        AdminError: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'string', description: 'What went wrong and how to fix it.' },
            details: { description: 'More about the error, when there is more.' },
          },
        },
      },
      responses: {
        Error: {
          description:
            'A mistake (400 invalid query or body, 404 unknown, 408 a wait timed out, 409 conflict, 415 not JSON) ' +
            'or a refusal of the guard (401 token missing, 403 cross-site or Host).',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/AdminError' } } },
        },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The admin token, when one is set.' },
        adminToken: { type: 'apiKey', in: 'header', name: 'x-convosim-admin-token' },
      },
    },
  };
}

function tagsOf(operation: unknown): string[] {
  return ((operation as { tags?: string[] }).tags ?? []).slice();
}

function toOperation(doc: RouteDoc): Record<string, unknown> {
  const parameters = [...toPathParameters(doc.path), ...toQueryParameters(doc.query)];
  const status = String(doc.status ?? 200);
  return {
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    operationId: toOperationId(doc.method, doc.path),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: toJsonSchema(doc.body) } },
          },
        }
      : {}),
    responses: { [status]: toAnswer(doc.answer ?? 'json', status), default: ERROR_RESPONSE },
  };
}

function toProviderOperation(op: OperationDoc): Record<string, unknown> {
  const method = op.method.toLowerCase();
  const pathNames = new Set(pathParameterNames(op.path));
  const properties = (op.args.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((op.args.required ?? []) as string[]);
  const parameters: Record<string, unknown>[] = toPathParameters(op.path).map((p) => ({
    ...p,
    schema: properties[p.name as string] ?? { type: 'string' },
  }));
  const rest = Object.entries(properties).filter(([name]) => !pathNames.has(name));
  let requestBody: Record<string, unknown> | undefined;
  if (method === 'get' || method === 'delete') {
    for (const [name, schema] of rest) {
      parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
  } else {
    const { $schema: _dialect, ...args } = op.args;
    const schema = {
      ...args,
      properties: Object.fromEntries(rest),
      ...(required.size > 0 ? { required: [...required].filter((name) => !pathNames.has(name)) } : {}),
    };
    requestBody = { required: false, content: { 'application/json': { schema } } };
  }
  const status = String(op.status);
  return {
    tags: [`providers/${op.provider}`],
    summary: op.description,
    description: `The ${op.provider} admin operation '${op.operation}' (also POST /__admin/operations/${op.provider}/${op.operation}; library: control.admin).`,
    operationId: toOperationId(method, `/providers/${op.provider}${op.path}`),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: { [status]: toAnswer(status === '204' ? 'none' : 'json', status), default: ERROR_RESPONSE },
  };
}

function toAnswer(kind: AnswerKind, status: string): Record<string, unknown> {
  const description = status === '201' ? 'Created.' : status === '204' ? 'Done, no content.' : 'Success.';
  switch (kind) {
    case 'none':
      return { description };
    case 'sse':
      return {
        description: 'A stream of Server-Sent Events.',
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      };
    case 'text':
      return { description, content: { 'text/plain': { schema: { type: 'string' } } } };
    default:
      return { description, content: { 'application/json': { schema: {} } } };
  }
}

/** The JSON Schema (2020-12) of what a zod schema accepts; parts JSON Schema cannot say are left open. */
export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  try {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'any',
      target: 'draft-2020-12',
    }) as Record<string, unknown>;
    return rest;
  } catch {
    return {};
  }
}

function toQueryParameters(schema: z.ZodType | undefined): Record<string, unknown>[] {
  if (!schema) return [];
  const json = toJsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}

function toPathParameters(path: string): Record<string, unknown>[] {
  return pathParameterNames(path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

/** `/a/:id/b` as OpenAPI writes it: `/a/{id}/b` (regular-expression suffixes of Hono parameters dropped). */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
}

function toOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/^:/, 'by-').replace(/[^A-Za-z0-9]+/g, '-'));
  return [method.toLowerCase(), ...words].join('-') || method.toLowerCase();
}

let version: string | undefined;
function packageVersion(): string {
  if (version === undefined) {
    try {
      // src/ and dist/ both sit beside package.json.
      const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
      version = String((JSON.parse(text) as { version?: unknown }).version ?? '0.0.0');
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}
