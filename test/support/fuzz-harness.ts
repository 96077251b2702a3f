// The fuzz suite's engine (issue 10 deliverable 3): one simulator per route, generated bad requests built from a
// valid one, and the oracles every case is held to. Findings are collected, not thrown at the first one, so one run
// lists every distinct failure of a route; the route's test then fails if there was any.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { defaultProviders } from '../../src/providers/registry.ts';
import {
  assembleSimulator,
  type LogLevel,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator.ts';
import {
  caseArb,
  catalogue,
  classifyValue,
  copyValue,
  describeValue,
  type FuzzCase,
  type MULTIPART_VARIANTS,
  RAW_JSON_BODIES,
  RAW_XML_BODIES,
  RawJson,
  type RouteTraits,
  targeted,
  toJsonText,
  withOwn,
} from './fuzz-inputs.ts';

/** The body of a valid request. */
export type BodySpec =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: Record<string, string> }
  | {
      kind: 'multipart';
      fields: Record<string, string>;
      files?: Array<{ field: string; fileName: string; content: string; type: string }>;
    };

/** A known-good request of a route: its path parameters (in template order), query, headers and body. */
export type ValidRequest = {
  params: Record<string, string>;
  query?: Array<[string, string]>;
  headers?: Record<string, string>;
  body: BodySpec;
};

/** An answer as the oracles see it. */
export type Answer = {
  method: string;
  path: string;
  status: number;
  contentType: string;
  text: string;
  json: unknown;
};

/** Checks that an error answer is in the expected envelope: null when it is, else what is wrong. */
export type Envelope = (answer: Answer) => string | null;

/** One write route under test. */
export type FuzzRoute<Env> = {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The route template exactly as `sim.app.routes` lists it. */
  route: string;
  /** Where the credential goes, if the route takes one. */
  auth?: { header: string; scheme: 'bearer' | 'basic' | 'raw' };
  /** The route reads XML (ECE). */
  xml?: boolean;
  /** The route reads multipart/form-data. */
  multipart?: boolean;
  /** The route shares its handler with a fully fuzzed one (an alias path): a shorter catalogue, the same random runs. */
  light?: boolean;
  envelope: Envelope;
  /** After a 2xx: what else must still work (e.g. a fault rule just added must not block the next request). */
  afterAccepted?(sim: Simulator, env: Env): Promise<string | null>;
  /** Builds a valid request; may create what it needs (a webhook to delete, a conversation to message). */
  prepare(env: Env, sim: Simulator): Promise<ValidRequest> | ValidRequest;
};

/** A provider's (or the admin API's) fuzz suite: its routes, set-up, known-good probe and state snapshot. */
export type FuzzSuite<Env> = {
  name: 'ece' | '8x8' | 'chatwoot' | 'airkit' | 'admin';
  /** True for the write routes this suite must cover (checked against `sim.app.routes`). */
  owns(route: { method: string; path: string }): boolean;
  routes: FuzzRoute<Env>[];
  setup(sim: Simulator): Promise<Env>;
  /** A known-good request (or a few): null when the server answers as it should, else the problem. */
  probe(sim: Simulator, env: Env): Promise<string | null>;
  /** The state compared before and after every rejected request. */
  snapshot(sim: Simulator): unknown;
  /** Inject faults in some cases (provider routes: faults match provider requests only). */
  faults: boolean;
  options?: Partial<SimulatorOptions>;
};

/** Counts of one provider's (or the admin API's) run. */
export type Counts = {
  tried: number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  '5xxInjected': number;
  crashes: number;
  stateChangedOnRejection: number;
  faultsInjected: number;
  skipped: number;
  findings: number;
};

/** One failure, reproducible from its request. */
export type Finding = {
  kind: string;
  route: string;
  detail: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  mutations: string[];
  fault: number | null;
  status: number | null;
  answer: string;
};

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
const SLOW_MS = 1000;
const HANG_MS = 10_000;
const MAX_ERROR_BODY = 16 * 1024;
const OUT_DIR = join(process.cwd(), '.vitest', 'fuzz');
const SUMMARY = join(process.cwd(), '.vitest', 'fuzz-summary.json');
const OVERSIZED = `{"a":"${'x'.repeat(1024 * 1024 + 100)}"}`;

const emptyCounts = (): Counts => ({
  tried: 0,
  '2xx': 0,
  '3xx': 0,
  '4xx': 0,
  '5xx': 0,
  '5xxInjected': 0,
  crashes: 0,
  stateChangedOnRejection: 0,
  faultsInjected: 0,
  skipped: 0,
  findings: 0,
});

/** A simulator with every default provider, default fixtures, memory store, virtual clock, seed 1, and no network. */
export async function createFuzzSimulator(
  options: Partial<SimulatorOptions> = {},
  logs: Array<{ level: LogLevel; message: string }> = [],
): Promise<Simulator> {
  return await assembleSimulator({
    providers: defaultProviders,
    store: 'memory',
    clock: 'virtual',
    seed: 1,
    logger: (level, message) => {
      logs.push({ level, message });
    },
    // Webhooks and callbacks go to a receiver that accepts everything: nothing leaves the process.
    send: async () => ({ status: 200, body: 'ok' }),
    ...options,
  });
}

/** The write routes of a simulator, as `METHOD path` strings. */
export function listWriteRoutes(sim: Simulator): Array<{ method: string; path: string }> {
  const seen = new Set<string>();
  const out: Array<{ method: string; path: string }> = [];
  for (const r of sim.app.routes) {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method)) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path: r.path });
  }
  return out;
}

/** Sends a JSON request in-process and reads the answer. */
export async function send(
  sim: Simulator,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; json?: unknown; body?: string; form?: string } = {},
): Promise<{ status: number; text: string; json: unknown }> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  if (options.form !== undefined) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    body = options.form;
  }
  const res = await sim.app.request(path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, text, json: parseJson(text) };
}

/** Sends a request that must succeed, and returns its JSON; throws with the answer otherwise. */
export async function sendOk(
  sim: Simulator,
  method: string,
  path: string,
  options: Parameters<typeof send>[3] = {},
  // biome-ignore lint/suspicious/noExplicitAny: set-up code reads ids out of documented bodies.
): Promise<any> {
  const answer = await send(sim, method, path, options);
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(
      `set-up request ${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 300)}`,
    );
  }
  return answer.json;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

type Path = Array<string | number>;

function listPaths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (value instanceof RawJson) return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([...prefix, i]);
      listPaths(item, [...prefix, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([...prefix, key]);
      listPaths((value as Record<string, unknown>)[key], [...prefix, key], out);
    }
  }
  return out;
}

function listObjectPaths(value: unknown): Path[] {
  const all: Path[] = [[], ...listPaths(value)];
  return all.filter((p) => {
    const target = getAt(value, p);
    return (
      target !== null && typeof target === 'object' && !Array.isArray(target) && !(target instanceof RawJson)
    );
  });
}

function getAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) current = (current as Record<string | number, unknown>)[key];
  return current;
}

function getAtOrUndefined(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** True when every field a case aims at (`at` mutations) exists in the valid body. */
function fits(valid: ValidRequest, fuzz: FuzzCase): boolean {
  return fuzz.mutations.every(
    (m) =>
      m.kind !== 'at' ||
      (valid.body.kind === 'json' && getAtOrUndefined(valid.body.value, m.path.slice(0, -1)) !== undefined),
  );
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path.at(-1)!;
  if (Array.isArray(parent)) parent[key as number] = value;
  else withOwn(parent as Record<string, unknown>, String(key), value);
  return root;
}

function dropAt(root: unknown, path: Path): unknown {
  if (path.length === 0) return undefined;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path.at(-1)!;
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key];
  return root;
}

const showPath = (path: Path) => (path.length === 0 ? 'body' : `body.${path.join('.')}`);

type WorkingBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: Record<string, string> }
  | { kind: 'text'; text: string; contentType: string; label: string }
  | { kind: 'form-data'; form: FormData; label: string };

/** The request a case sends, plus what makes it one that must be refused. */
export type BuiltRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | FormData | undefined;
  preview: string;
  mutations: string[];
  signature: string[];
  mustReject: string | null;
};

/** Applies a case's mutations to a valid request. */
export function buildRequest(route: FuzzRoute<unknown>, valid: ValidRequest, fuzz: FuzzCase): BuiltRequest {
  const paramNames = [...route.route.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  const params = paramNames.map((name) => [name, valid.params[name] ?? ''] as [string, string]);
  const query: Array<[string, string]> = (valid.query ?? []).map(([k, v]) => [k, v]);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(valid.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: WorkingBody =
    valid.body.kind === 'json'
      ? { kind: 'json', value: structuredClone(valid.body.value) }
      : valid.body.kind === 'form'
        ? { kind: 'form', value: { ...valid.body.value } }
        : valid.body.kind === 'multipart'
          ? { kind: 'form-data', form: toFormData(valid.body), label: 'valid multipart' }
          : { kind: 'none' };
  let contentType: string | null | undefined;
  const mutations: string[] = [];
  const signature: string[] = [];
  let mustReject: string | null = null;

  for (const m of fuzz.mutations) {
    switch (m.kind) {
      case 'field': {
        if (body.kind === 'json') {
          const paths = listPaths(body.value);
          const path = paths.length === 0 ? [] : paths[m.pick % paths.length]!;
          body = { kind: 'json', value: setAt(body.value, path, copyValue(m.value)) };
          mutations.push(`${showPath(path)} = ${describeValue(m.value)}`);
          signature.push(`field:${path.join('.')}:${classifyValue(m.value)}`);
        } else if (body.kind === 'form') {
          const keys = Object.keys(body.value);
          const key = keys.length === 0 ? 'x' : keys[m.pick % keys.length]!;
          const text = typeof m.value === 'string' ? m.value : toJsonText(m.value);
          withOwn(body.value, key, text);
          mutations.push(`form ${key} = ${describeValue(text)}`);
          signature.push(`form:${key}:${classifyValue(m.value)}`);
        } else if (body.kind === 'none') {
          body = { kind: 'json', value: copyValue(m.value) };
          mutations.push(`body = ${describeValue(m.value)}`);
          signature.push(`body:${classifyValue(m.value)}`);
        }
        break;
      }
      case 'at': {
        if (body.kind !== 'json') break;
        const parent = m.path.length === 0 ? null : getAtOrUndefined(body.value, m.path.slice(0, -1));
        if (parent === null || typeof parent !== 'object') break;
        body = { kind: 'json', value: setAt(body.value, m.path, copyValue(m.value)) };
        mutations.push(`${showPath(m.path)} = ${describeValue(m.value)}`);
        signature.push(`at:${m.path.join('.')}:${classifyValue(m.value)}`);
        break;
      }
      case 'drop': {
        if (body.kind === 'json') {
          const paths = listPaths(body.value);
          if (paths.length === 0) break;
          const path = paths[m.pick % paths.length]!;
          body = { kind: 'json', value: dropAt(body.value, path) };
          mutations.push(`${showPath(path)} removed`);
          signature.push(`drop:${path.join('.')}`);
        } else if (body.kind === 'form') {
          const keys = Object.keys(body.value);
          if (keys.length === 0) break;
          const key = keys[m.pick % keys.length]!;
          delete body.value[key];
          mutations.push(`form ${key} removed`);
          signature.push(`drop-form:${key}`);
        }
        break;
      }
      case 'extra': {
        if (body.kind === 'json') {
          const paths = listObjectPaths(body.value);
          if (paths.length === 0) break;
          const path = paths[m.pick % paths.length]!;
          withOwn(getAt(body.value, path) as Record<string, unknown>, m.key, copyValue(m.value));
          mutations.push(`${showPath([...path, m.key])} added = ${describeValue(m.value)}`);
          signature.push(`extra:${path.join('.')}:${classifyValue(m.key)}:${classifyValue(m.value)}`);
        } else if (body.kind === 'form') {
          const text = typeof m.value === 'string' ? m.value : toJsonText(m.value);
          withOwn(body.value, m.key, text);
          mutations.push(`form ${JSON.stringify(m.key)} added = ${describeValue(text)}`);
          signature.push(`extra-form:${classifyValue(m.key)}`);
        }
        break;
      }
      case 'raw-json': {
        const raw = RAW_JSON_BODIES[m.index]!;
        body = { kind: 'text', text: raw.text, contentType: 'application/json', label: raw.label };
        mutations.push(`body = <${raw.label}> (JSON)`);
        signature.push(`raw-json:${raw.label}`);
        break;
      }
      case 'raw-xml': {
        const raw = RAW_XML_BODIES[m.index]!;
        body = { kind: 'text', text: raw.text, contentType: 'application/xml', label: raw.label };
        mutations.push(`body = <${raw.label}> (XML)`);
        signature.push(`raw-xml:${raw.label}`);
        break;
      }
      case 'content-type': {
        contentType = m.value;
        mutations.push(m.value === null ? 'no Content-Type' : `Content-Type: ${m.value}`);
        signature.push(`content-type:${m.value}`);
        break;
      }
      case 'param': {
        if (params.length === 0) break;
        const index = m.pick % params.length;
        params[index]![1] = m.value;
        mutations.push(`path :${params[index]![0]} = ${describeValue(m.value)}`);
        signature.push(`param:${params[index]![0]}:${classifyValue(m.value)}`);
        mustReject ??= 'an unknown id in the path';
        break;
      }
      case 'query': {
        const index = query.length === 0 ? -1 : m.pick % query.length;
        if (m.mode === 'set' && index >= 0) query[index]![1] = m.value;
        else if (m.mode === 'drop' && index >= 0) query.splice(index, 1);
        else if (m.mode === 'dup' && index >= 0) query.push([query[index]![0], m.value]);
        else query.push([m.name, m.value]);
        mutations.push(
          `query ${m.mode} ${describeValue(index >= 0 && m.mode !== 'add' ? query[index]?.[0] : m.name)} = ${describeValue(m.value)}`,
        );
        signature.push(`query:${m.mode}:${classifyValue(m.value)}`);
        break;
      }
      case 'auth': {
        if (!route.auth) break;
        if (m.value === null) delete headers[route.auth.header];
        else headers[route.auth.header] = m.value;
        mutations.push(
          m.value === null ? `no ${route.auth.header}` : `${route.auth.header}: ${describeValue(m.value)}`,
        );
        signature.push(
          `auth:${m.value === null ? 'none' : classifyValue(m.value.replace(/^(Bearer|Basic) /, ''))}`,
        );
        mustReject = 'a missing or wrong credential';
        break;
      }
      case 'header': {
        headers[m.name] = m.value;
        mutations.push(`${m.name}: ${describeValue(m.value)}`);
        signature.push(`header:${m.name}:${classifyValue(m.value)}`);
        break;
      }
      case 'multipart': {
        body = toOddMultipart(m.variant, body);
        mutations.push(`multipart: ${m.variant}`);
        signature.push(`multipart:${m.variant}`);
        break;
      }
      case 'oversized': {
        body = { kind: 'text', text: OVERSIZED, contentType: 'application/json', label: 'body over 1 MiB' };
        mutations.push('body over 1 MiB');
        signature.push('oversized');
        break;
      }
    }
  }

  let sent: string | FormData | undefined;
  let preview = '';
  if (body.kind === 'json') {
    sent = toJsonText(body.value);
    headers['content-type'] ??= 'application/json';
  } else if (body.kind === 'form') {
    sent = new URLSearchParams(Object.entries(body.value)).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (body.kind === 'text') {
    sent = body.text;
    headers['content-type'] = body.contentType;
  } else if (body.kind === 'form-data') {
    sent = body.form;
    // fetch sets multipart/form-data with its boundary itself.
    delete headers['content-type'];
    preview = `<multipart: ${body.label}>`;
  }
  if (typeof sent === 'string') {
    preview = sent.length > 400 ? `${sent.slice(0, 400)}… (${sent.length} chars)` : sent;
  }
  if (contentType !== undefined) {
    if (contentType === null) delete headers['content-type'];
    else headers['content-type'] = contentType;
  }

  let path = route.route;
  for (const [name, value] of params) path = path.replace(`:${name}`, value);
  if (query.length > 0) {
    path += `?${query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
  }
  return { method: route.method, path, headers, body: sent, preview, mutations, signature, mustReject };
}

function toFormData(body: Extract<BodySpec, { kind: 'multipart' }>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(body.fields)) form.append(k, v);
  for (const f of body.files ?? []) form.append(f.field, new File([f.content], f.fileName, { type: f.type }));
  return form;
}

function fieldsOf(body: WorkingBody): Array<[string, string]> {
  if (body.kind === 'json') {
    const value = body.value;
    const out: Array<[string, string]> = [['request', toJsonText(value)]];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[key];
        out.push([key, typeof v === 'string' ? v : toJsonText(v)]);
      }
    }
    return out;
  }
  if (body.kind === 'form') return Object.entries(body.value);
  if (body.kind === 'text') return [['request', body.text]];
  return [];
}

function toOddMultipart(variant: (typeof MULTIPART_VARIANTS)[number], body: WorkingBody): WorkingBody {
  const fields = fieldsOf(body);
  const form = new FormData();
  const file = (name: string, type = 'text/plain') => new File(['hello'], name, { type });
  switch (variant) {
    case 'document-part':
      for (const [k, v] of fields) form.append(k, v);
      return { kind: 'form-data', form, label: 'the body as form fields and a request part' };
    case 'file-odd-names':
      for (const [k, v] of fields) form.append(k, v);
      for (const name of ['../../etc/passwd', '__proto__', '', 'a"b.txt', 'x'.repeat(1000)]) {
        form.append('attachment', file(name));
        form.append('attachments[]', file(name));
      }
      return {
        kind: 'form-data',
        form,
        label: 'file parts named ../../etc/passwd, __proto__, "", a"b.txt, x×1000',
      };
    case 'non-latin1-file-name':
      for (const [k, v] of fields) form.append(k, v);
      form.append('attachment', file('名前😀.txt'));
      form.append('attachments[]', file('名前😀.txt'));
      return { kind: 'form-data', form, label: 'a file part named 名前😀.txt' };
    case 'proto-field-names':
      for (const name of ['__proto__', 'constructor', 'toString', 'prototype']) {
        form.append(name, '{"polluted":"yes"}');
        form.append(name, file(`${name}.txt`));
      }
      return {
        kind: 'form-data',
        form,
        label: 'fields and files named __proto__, constructor, toString, prototype',
      };
    case 'many-parts':
      for (let i = 0; i < 2000; i++) form.append(`f${i}`, 'x');
      return { kind: 'form-data', form, label: '2000 parts' };
    case 'empty-form':
      return { kind: 'form-data', form, label: 'no parts' };
    case 'duplicate-fields':
      for (const [k, v] of fields) {
        form.append(k, v);
        form.append(k, v);
        form.append(k, file('dup.txt'));
      }
      return { kind: 'form-data', form, label: 'every field three times, once as a file' };
    case 'missing-boundary':
      return {
        kind: 'text',
        text: '--XyZ\r\nContent-Disposition: form-data; name="request"\r\n\r\n{}\r\n--XyZ--\r\n',
        contentType: 'multipart/form-data',
        label: 'multipart without boundary',
      };
    case 'boundary-mismatch':
      return {
        kind: 'text',
        text: '--XyZ\r\nContent-Disposition: form-data; name="request"\r\n\r\n{}\r\n--XyZ--\r\n',
        contentType: 'multipart/form-data; boundary=AbC',
        label: 'multipart with another boundary',
      };
    case 'truncated':
      return {
        kind: 'text',
        text: '--XyZ\r\nContent-Disposition: form-data; name="request"\r\n\r\n{"a":',
        contentType: 'multipart/form-data; boundary=XyZ',
        label: 'multipart cut in the middle of a part',
      };
  }
}

/** The first paths where two JSON values differ (at most three). */
export function diffPaths(before: unknown, after: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 3) return out;
  if (before === after) return out;
  if (
    before === null ||
    after === null ||
    typeof before !== 'object' ||
    typeof after !== 'object' ||
    Array.isArray(before) !== Array.isArray(after)
  ) {
    out.push(`${path || '(root)'}: ${describeValue(before, 60)} -> ${describeValue(after, 60)}`);
    return out;
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    diffPaths(
      (before as Record<string, unknown>)[key],
      (after as Record<string, unknown>)[key],
      `${path}${path ? '.' : ''}${key}`,
      out,
    );
    if (out.length >= 3) break;
  }
  return out;
}

const protoSnapshot = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort().join(','),
  array: Object.getOwnPropertyNames(Array.prototype).sort().join(','),
});
const cleanProto = protoSnapshot();

/** Removes what a case added to Object.prototype or Array.prototype; says what it removed. */
function checkPollution(): string | null {
  const now = protoSnapshot();
  const probe = ({} as Record<string, unknown>).polluted;
  if (now.object === cleanProto.object && now.array === cleanProto.array && probe === undefined) return null;
  const added: string[] = [];
  for (const [proto, before] of [
    [Object.prototype, cleanProto.object],
    [Array.prototype, cleanProto.array],
  ] as const) {
    const known = new Set(before.split(','));
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (known.has(name)) continue;
      added.push(`${proto === Object.prototype ? 'Object' : 'Array'}.prototype.${name}`);
      delete (proto as unknown as Record<string, unknown>)[name];
    }
  }
  return added.length > 0 ? `added ${added.join(', ')}` : `({}).polluted is ${describeValue(probe)}`;
}

async function withWatchdog<T>(promise: Promise<T>, ms: number): Promise<T | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), ms);
  });
  try {
    return await Promise.race([promise, watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

const shorten = (text: string, max = 400) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
/** The first words of an error message: messages that go on to quote the input group together. */
const headOf = (text: string) => normalize(text).split(/\s+/).slice(0, 6).join(' ');
const normalize = (text: string) =>
  text
    .replace(/'[^']*'|"[^"]*"/g, "'…'")
    .replace(/\d+/g, 'N')
    .slice(0, 120);

function routeSeed(key: string): number {
  let hash = SEED;
  for (const ch of key) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  return hash;
}

type Live<Env> = {
  sim: Simulator;
  env: Env;
  logs: Array<{ level: LogLevel; message: string }>;
};

/** Collects the findings of one route, grouped by cause; keeps the smallest reproduction of each group. */
class FindingLog {
  readonly groups = new Map<string, { count: number; example: Finding; variants: Set<string> }>();
  /** `variant` names what differs between cases of one group (e.g. which inherited name was the id). */
  add(key: string, finding: Finding, variant?: string) {
    const group = this.groups.get(key);
    const size = (f: Finding) => f.path.length + f.body.length + f.mutations.join().length;
    if (!group)
      this.groups.set(key, { count: 1, example: finding, variants: new Set(variant ? [variant] : []) });
    else {
      group.count++;
      if (variant && group.variants.size < 12) group.variants.add(variant);
      if (size(finding) < size(group.example)) group.example = finding;
    }
  }
  list(): Array<Finding & { count: number }> {
    return [...this.groups.values()].map((g) => ({
      ...g.example,
      detail:
        g.variants.size > 1 ? `${g.example.detail} (also: ${[...g.variants].join(', ')})` : g.example.detail,
      count: g.count,
    }));
  }
}

/** Registers the tests of a suite: route coverage, then one fuzz test per route, then the summary file. */
export function defineFuzzSuite<Env>(suite: FuzzSuite<Env>): void {
  const counts = emptyCounts();
  const perRoute: Record<string, Counts> = {};
  const allFindings: Array<Finding & { count: number }> = [];
  /** Milliseconds spent per phase of the cases, to see where the suite's time goes. */
  const timing = { prepare: 0, snapshot: 0, request: 0, checks: 0, probe: 0 };

  test(`every write route of ${suite.name} has a fuzz case`, async () => {
    const sim = await createFuzzSimulator(suite.options);
    try {
      const served = listWriteRoutes(sim)
        .filter((r) => suite.owns(r))
        .map((r) => `${r.method} ${r.path}`)
        .sort();
      const covered = suite.routes.map((r) => `${r.method} ${r.route}`).sort();
      expect(covered).toEqual(served);
    } finally {
      await sim.close();
    }
  });

  for (const route of suite.routes) {
    const key = `${route.method} ${route.route}`;
    test(
      `${key} answers generated bad input in the ${suite.name} envelope, changes nothing and stays healthy`,
      async () => {
        const routeCounts = emptyCounts();
        perRoute[key] = routeCounts;
        const log = new FindingLog();
        const boot = async (): Promise<Live<Env>> => {
          const logs: Live<Env>['logs'] = [];
          const sim = await createFuzzSimulator(suite.options, logs);
          return { sim, env: await suite.setup(sim), logs };
        };
        let live = await boot();
        const reboot = async () => {
          await live.sim.close().catch(() => {});
          live = await boot();
        };
        const traits: RouteTraits = {
          auth: route.auth?.scheme ?? null,
          params: [...route.route.matchAll(/:[A-Za-z_]+/g)].length,
          xml: route.xml === true,
          multipart: route.multipart === true,
        };
        const bump = (field: keyof Counts, by = 1) => {
          counts[field] += by;
          routeCounts[field] += by;
        };

        let rejections = 0;
        const runCase = async (fuzz: FuzzCase) => {
          let mark = performance.now();
          const lap = (phase: keyof typeof timing) => {
            const now = performance.now();
            timing[phase] += now - mark;
            mark = now;
          };
          let valid: ValidRequest;
          try {
            valid = await route.prepare(live.env, live.sim);
          } catch (error) {
            // The previous case left the simulator unable to serve a known-good set-up request.
            log.add(`setup-failed|${normalize(String(error))}`, {
              ...blankFinding(key, 'known-good set-up request failed before a case'),
              detail: String(error).slice(0, 400),
            });
            await reboot();
            valid = await route.prepare(live.env, live.sim);
          }
          // A case aimed at one field of one variant of the body (prepare may alternate variants) waits for it.
          for (let tries = 0; tries < 3 && !fits(valid, fuzz); tries++)
            valid = await route.prepare(live.env, live.sim);
          await live.sim.control.idle({ timeoutMs: 5000 }).catch(() => {});
          lap('prepare');
          const built = buildRequest(route as FuzzRoute<unknown>, valid, fuzz);
          let request: Request;
          try {
            request = new Request(new URL(built.path, 'http://localhost'), {
              method: built.method,
              headers: built.headers,
              body: built.body,
            });
          } catch {
            bump('skipped'); // not a valid HTTP request (e.g. a header value no client can send)
            return;
          }
          const before = JSON.stringify(suite.snapshot(live.sim));
          lap('snapshot');
          const internalBefore = live.sim.internalErrors.length;
          const logsBefore = live.logs.length;
          if (fuzz.fault !== null) {
            live.sim.control.addFault({
              ...(suite.name === 'admin' ? {} : { provider: suite.name }),
              method: route.method,
              status: fuzz.fault,
              times: 1,
            });
            bump('faultsInjected');
          }
          bump('tried');
          const finding = (kind: string, detail: string, status: number | null, answer: string): Finding => ({
            kind,
            route: key,
            detail,
            method: built.method,
            path: shorten(built.path, 300),
            headers: Object.fromEntries(Object.entries(built.headers).map(([k, v]) => [k, shorten(v, 120)])),
            body: built.preview,
            mutations: built.mutations,
            fault: fuzz.fault,
            status,
            answer: shorten(answer, 400),
          });

          const cpuStarted = process.cpuUsage();
          let outcome: Response | 'hang' | 'crash';
          try {
            outcome = await withWatchdog(Promise.resolve(live.sim.app.request(request)), HANG_MS);
          } catch (error) {
            bump('crashes');
            log.add(
              `crash|${normalize(String(error))}`,
              finding('crash', `app.request threw: ${String(error)}`, null, ''),
            );
            outcome = 'crash';
          }
          // Checked first: a polluted prototype breaks everything after it, the next simulator included.
          const pollution = checkPollution();
          if (pollution) {
            log.add(
              `pollution|${built.signature.join('+')}`,
              finding('prototype-pollution', pollution, null, ''),
            );
          }
          if (outcome === 'hang') {
            log.add(
              `hang|${built.signature.join('+')}`,
              finding('hang', `no answer within ${HANG_MS} ms`, null, ''),
            );
          }
          if (outcome === 'hang' || outcome === 'crash') {
            await reboot();
            return;
          }
          const res = outcome;
          const text = await res.text();
          // CPU time, not wall time: a blocked event loop shows up on a busy machine and an idle one alike.
          const cpu = process.cpuUsage(cpuStarted);
          const elapsed = (cpu.user + cpu.system) / 1000;
          lap('request');
          const answer: Answer = {
            method: built.method,
            path: new URL(request.url).pathname,
            status: res.status,
            contentType: res.headers.get('content-type') ?? '',
            text,
            json: parseJson(text),
          };
          const status = res.status;
          const injected = fuzz.fault !== null && status === fuzz.fault;
          if (status >= 500) bump(injected ? '5xxInjected' : '5xx');
          else if (status >= 400) bump('4xx');
          else if (status >= 300) bump('3xx');
          else if (status >= 200) bump('2xx');

          if (status >= 500 && !injected) {
            const internal = live.sim.internalErrors.slice(internalBefore).map((e) => e.message);
            log.add(
              `5xx|${status}|${headOf(internal[0] ?? text)}`,
              finding(
                '5xx',
                internal.length > 0
                  ? `internal error: ${internal.join('; ')}`
                  : 'a 5xx without an injected fault',
                status,
                text,
              ),
            );
          }
          if (status >= 400) {
            const problem = route.envelope(answer);
            if (problem)
              log.add(`envelope|${status}|${normalize(problem)}`, finding('envelope', problem, status, text));
            if (text.length > MAX_ERROR_BODY) {
              log.add(
                `echo|${status}`,
                finding(
                  'unbounded-echo',
                  `a ${text.length}-character error answer (input echoed untruncated?)`,
                  status,
                  text,
                ),
              );
            }
            await live.sim.control.idle({ timeoutMs: 5000 }).catch(() => {});
            const after = JSON.stringify(suite.snapshot(live.sim));
            if (after !== before) {
              bump('stateChangedOnRejection');
              const paths = diffPaths(JSON.parse(before), JSON.parse(after));
              log.add(
                `state|${status}|${paths.map((p) => p.split(':')[0]!.replace(/\d+/g, 'N')).join(',')}`,
                finding('state-changed', `state changed on a ${status}: ${paths.join('; ')}`, status, text),
              );
            }
          } else if (status >= 200 && status < 300 && built.mustReject) {
            const decisive = built.signature.filter((s) => s.startsWith('auth') || s.startsWith('param'));
            log.add(
              `accepted|${decisive.map((s) => s.split(':').slice(0, 2).join(':')).join('+')}`,
              finding('accepted', `answered ${status} to ${built.mustReject}`, status, text),
              decisive.map((s) => s.split(':').slice(2).join(':')).join('+'),
            );
          }
          if (elapsed > SLOW_MS) {
            log.add(
              `slow|${built.signature.join('+')}`,
              finding('slow', `took ${Math.round(elapsed)} ms of CPU`, status, text),
            );
          }
          const newLogs = live.logs.slice(logsBefore);
          const forged = newLogs.find((l) => /[\r\n]/.test(l.message) || l.message.length > 2000);
          if (forged) {
            log.add(
              `log|${headOf(forged.message)}`,
              finding(
                'log-injection',
                `a log line quotes input raw: ${JSON.stringify(shorten(forged.message, 200))}`,
                status,
                text,
              ),
            );
          }
          if (live.sim.internalErrors.length > internalBefore && status < 500) {
            log.add(
              `internal|${normalize(live.sim.internalErrors.at(-1)!.message)}`,
              finding(
                'internal-error',
                `an internal error behind a ${status}: ${live.sim.internalErrors.at(-1)!.message}`,
                status,
                text,
              ),
            );
          }

          if (status >= 200 && status < 300 && route.afterAccepted) {
            const problem = await route.afterAccepted(live.sim, live.env).catch((e: unknown) => String(e));
            if (problem) {
              log.add(`after|${normalize(problem)}`, finding('after-accepted', problem, status, text));
            }
          }
          lap('checks');
          live.sim.control.clearFaults();
          if (pollution) {
            await reboot();
            return;
          }
          const health = await Promise.resolve(live.sim.app.request('/__admin/health')).catch(
            (e: unknown) => e,
          );
          const healthy =
            health instanceof Response &&
            health.status === 200 &&
            (parseJson(await health.text()) as { status?: string })?.status === 'ok';
          // Health after every case; the known-good requests after every accepted or failed request (those can leave
          // bad state behind: a rejection cannot, the state comparison proves it) and after every eighth rejection.
          const probeNow = status < 400 || status >= 500 || ++rejections % 8 === 0;
          const probe = !healthy
            ? 'health failed'
            : probeNow
              ? await suite.probe(live.sim, live.env).catch((e: unknown) => String(e))
              : null;
          if (!healthy || probe) {
            log.add(
              `unhealthy|${normalize(probe ?? '')}|${built.signature.join('+')}`,
              finding(
                'unhealthy-after',
                healthy
                  ? `a known-good request failed afterwards: ${probe}`
                  : `GET /__admin/health failed afterwards: ${health instanceof Response ? health.status : String(health)}`,
                status,
                text,
              ),
            );
            await reboot();
          }
          lap('probe');
        };

        const sendValid = async () => {
          const valid = await route.prepare(live.env, live.sim);
          const built = buildRequest(route as FuzzRoute<unknown>, valid, { mutations: [], fault: null });
          const res = await live.sim.app.request(built.path, {
            method: built.method,
            headers: built.headers,
            body: built.body,
          });
          return { valid, built, status: res.status, text: await res.text() };
        };
        // The valid request (each variant, when prepare alternates) must work before the run, or the spec is wrong.
        const validBodies: unknown[] = [];
        for (let i = 0; i < 2; i++) {
          const { status, text, valid } = await sendValid();
          if (valid.body.kind === 'json') validBodies.push(valid.body.value);
          expect(status, `the valid ${key} request: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
          expect(status, `the valid ${key} request: ${text.slice(0, 300)}`).toBeLessThan(300);
        }
        // Faults match provider requests only; the admin API (and provider admin routes under it) never sees them.
        const withFaults = suite.faults && !route.route.startsWith('/__admin');
        const examples = [...catalogue(traits, route.light === true), ...targeted(validBodies)].map(
          (c) => [c] as [FuzzCase],
        );
        try {
          // fast-check counts the examples among numRuns: the catalogue runs whole, then RUNS generated cases.
          await fc.assert(
            fc.asyncProperty(caseArb(traits, withFaults), async (fuzz) => {
              await runCase(fuzz);
            }),
            {
              seed: routeSeed(key),
              numRuns: examples.length + RUNS,
              examples,
              endOnFailure: true,
            },
          );
          // The valid request itself still works at the end.
          const last = await sendValid();
          if (last.status < 200 || last.status > 299) {
            log.add('valid-failed', {
              ...blankFinding(key, `the valid request answered ${last.status} after the run`),
              method: last.built.method,
              path: last.built.path,
              body: last.built.preview,
              status: last.status,
              answer: shorten(last.text),
            });
          }
        } finally {
          await live.sim.close().catch(() => {});
        }
        const found = log.list();
        routeCounts.findings = found.length;
        counts.findings += found.length;
        allFindings.push(...found);
        expect(found.map(formatFinding)).toEqual([]);
      },
      Math.max(120_000, RUNS * 2000),
    );
  }

  afterAll(() => {
    const ms = Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, Math.round(v)]));
    writeSummary(suite.name, { counts, timing: ms, perRoute, findings: allFindings });
  });
}

function blankFinding(route: string, detail: string): Finding {
  return {
    kind: detail.startsWith('the valid') ? 'valid-failed' : 'setup-failed',
    route,
    detail,
    method: '',
    path: '',
    headers: {},
    body: '',
    mutations: [],
    fault: null,
    status: null,
    answer: '',
  };
}

/** One line per finding, as the failing test shows it. */
export function formatFinding(f: Finding & { count?: number }): string {
  const request = f.method ? ` | ${f.method} ${f.path} | ${f.mutations.join('; ')}` : '';
  return `[${f.kind}${f.count && f.count > 1 ? ` ×${f.count}` : ''}] ${f.detail}${request}${f.status === null ? '' : ` | -> ${f.status} ${f.answer.slice(0, 160)}`}`;
}

function writeSummary(
  name: string,
  part: {
    counts: Counts;
    timing: Record<string, number>;
    perRoute: Record<string, Counts>;
    findings: Array<Finding & { count: number }>;
  },
): void {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `${name}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(
    tmp,
    `${JSON.stringify({ name, runAt: new Date().toISOString(), runsPerRoute: RUNS, seed: SEED, ...part }, null, 2)}\n`,
  );
  renameSync(tmp, file);
  // Each file writes its part; the summary is rebuilt from every part present, re-checked once for a part that
  // another worker wrote meanwhile.
  for (let attempt = 0; attempt < 3; attempt++) {
    const names = readdirSync(OUT_DIR).filter((f) => f.endsWith('.json'));
    const summary: Record<string, unknown> = {};
    const total = emptyCounts();
    const parts: Record<string, Counts & { runAt: string }> = {};
    for (const f of names) {
      const data = JSON.parse(readFileSync(join(OUT_DIR, f), 'utf8')) as {
        name: string;
        runAt: string;
        counts: Counts;
      };
      parts[data.name] = { ...data.counts, runAt: data.runAt };
      for (const k of Object.keys(total) as Array<keyof Counts>) total[k] += data.counts[k];
    }
    summary.generatedAt = new Date().toISOString();
    summary.runsPerRoute = RUNS;
    summary.seed = SEED;
    summary.total = total;
    summary.byProvider = parts;
    const out = `${SUMMARY}.${process.pid}.tmp`;
    writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
    renameSync(out, SUMMARY);
    const again = readdirSync(OUT_DIR).filter((f) => f.endsWith('.json'));
    if (again.length === names.length) break;
  }
}
