import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Context } from 'hono';
import { toEcho } from './echo.ts';
import { errorText } from './errors.ts';

/** The outcome of reading a request body: the parsed value, or why it could not be read. */
export type BodyResult =
  | { ok: true; kind: 'json' | 'xml' | 'form' | 'multipart' | 'text' | 'empty'; value: unknown; raw: string }
  | { ok: false; reason: 'malformed' | 'unsupported-media-type'; message: string; raw: string };

/** The media types a route accepts. */
export type BodyKinds = ReadonlyArray<'json' | 'xml' | 'form' | 'multipart' | 'text'>;

/** The deepest nesting of objects and arrays a JSON body may have; deeper bodies are malformed (400, not a crash). */
export const MAX_JSON_DEPTH = 64;
/** The deepest nesting of elements an XML body may have. */
export const MAX_XML_DEPTH = 64;
/** The most fields a form (urlencoded or multipart) may have. */
export const MAX_FORM_FIELDS = 1000;
/** The longest field name of a form. */
export const MAX_FORM_FIELD_NAME = 1024;

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  maxNestedTags: MAX_XML_DEPTH + 1,
});

/** The bare media type of a Content-Type header ('application/json; charset=utf-8' -> 'application/json'). */
export function parseMediaType(header: string | undefined | null): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Classifies a media type into the body kinds routes accept. */
export function toBodyKind(mediaType: string): BodyKinds[number] | null {
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'json';
  if (mediaType === 'application/xml' || mediaType === 'text/xml' || mediaType.endsWith('+xml')) return 'xml';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  if (mediaType === 'multipart/form-data') return 'multipart';
  if (mediaType.startsWith('text/')) return 'text';
  return null;
}

/**
 * Parses JSON text like JSON.parse, but first refuses (SyntaxError) nesting deeper than `maxDepth`, so that no
 * later recursive walk (validation, cloning, rendering) can overflow the stack.
 */
export function parseJson(text: string, maxDepth: number = MAX_JSON_DEPTH): unknown {
  if (exceedsJsonDepth(text, maxDepth)) throw new SyntaxError(`nesting deeper than ${maxDepth} levels`);
  return JSON.parse(text);
}

// A linear scan: brackets outside strings. Malformed text is left to JSON.parse to report.
function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return false;
}

/**
 * Parses an XML document into a plain object (attributes as `@name`). Throws on malformed XML, on a DOCTYPE
 * (no entity can be declared, so none is expanded and nothing external is read) and on nesting deeper than
 * `MAX_XML_DEPTH` elements.
 */
export function parseXml(text: string): unknown {
  checkXmlStructure(text, MAX_XML_DEPTH);
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) throw new SyntaxError(`${verdict.err.msg} (line ${verdict.err.line})`);
  return xmlParser.parse(text);
}

// A linear scan of tags before the parser sees the text: refuses declarations and counts open elements.
function checkXmlStructure(text: string, maxDepth: number): void {
  let depth = 0;
  for (let i = text.indexOf('<'); i !== -1 && i < text.length; i = text.indexOf('<', i + 1)) {
    if (text.startsWith('<!--', i)) i = text.indexOf('-->', i + 4);
    else if (text.startsWith('<![CDATA[', i)) i = text.indexOf(']]>', i + 9);
    else if (text.startsWith('<!', i)) {
      throw new SyntaxError('DOCTYPE and entity declarations are not accepted');
    } else if (text.startsWith('<?', i)) i = text.indexOf('?>', i + 2);
    else if (text[i + 1] === '/') {
      depth--;
      i = text.indexOf('>', i);
    } else {
      const end = findTagEnd(text, i + 1);
      if (end === -1) return;
      if (text[end - 1] !== '/' && ++depth > maxDepth) {
        throw new SyntaxError(`elements nested deeper than ${maxDepth} levels`);
      }
      i = end;
    }
    if (i === -1) return;
  }
}

function findTagEnd(text: string, from: number): number {
  let quote = '';
  for (let j = from; j < text.length; j++) {
    const ch = text[j];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return j;
  }
  return -1;
}

const xmlBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: false });

/** Renders a plain object as XML under one root element. */
export function renderXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${xmlBuilder.build({ [root]: value })}`;
}

/**
 * Reads and parses the request body by its Content-Type, accepting only `kinds`.
 * Never throws: a malformed or unsupported body is reported, so routes can answer in the provider's envelope.
 */
export async function readBody(
  c: Context,
  kinds: BodyKinds,
  options: { maxJsonDepth?: number } = {},
): Promise<BodyResult> {
  const mediaType = parseMediaType(c.req.header('content-type'));
  const kind = toBodyKind(mediaType);
  if (kind === 'multipart' && kinds.includes('multipart')) {
    try {
      const form = await c.req.parseBody({ all: true });
      checkFormFields(
        Object.entries(form).flatMap(([name, value]) =>
          Array.isArray(value) ? value.map(() => name) : [name],
        ),
      );
      return { ok: true, kind, value: form, raw: '' };
    } catch (error) {
      return {
        ok: false,
        reason: 'malformed',
        message: `Malformed multipart body: ${errorText(error)}`,
        raw: '',
      };
    }
  }
  const raw = await c.req.text();
  if (raw.length === 0) return { ok: true, kind: 'empty', value: undefined, raw };
  if (!kind || !kinds.includes(kind)) {
    return {
      ok: false,
      reason: 'unsupported-media-type',
      message: `Unsupported Content-Type '${mediaType ? toEcho(mediaType, 80).slice(1, -1) : '(none)'}'; expected ${kinds.join(' or ')}`,
      raw,
    };
  }
  try {
    if (kind === 'json') return { ok: true, kind, value: parseJson(raw, options.maxJsonDepth), raw };
    if (kind === 'xml') return { ok: true, kind, value: parseXml(raw), raw };
    if (kind === 'form') {
      const params = [...new URLSearchParams(raw)];
      checkFormFields(params.map(([name]) => name));
      return { ok: true, kind, value: Object.fromEntries(params), raw };
    }
    return { ok: true, kind: 'text', value: raw, raw };
  } catch (error) {
    return {
      ok: false,
      reason: 'malformed',
      message: `Malformed ${kind.toUpperCase()} body: ${errorText(error)}`,
      raw,
    };
  }
}

function checkFormFields(names: readonly string[]): void {
  if (names.length > MAX_FORM_FIELDS) {
    throw new SyntaxError(`${names.length} fields; the limit is ${MAX_FORM_FIELDS}`);
  }
  if (names.some((name) => name.length > MAX_FORM_FIELD_NAME)) {
    throw new SyntaxError(`a field name is longer than ${MAX_FORM_FIELD_NAME} characters`);
  }
}

const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

/**
 * The query of a request URL, as `new URL(url).searchParams` reads it (a fragment is no part of it), without
 * parsing the whole URL: ECE reads its query on every start.
 */
export function searchParamsOf(url: string): URLSearchParams {
  const hash = url.indexOf('#');
  const mark = url.indexOf('?');
  if (mark === -1 || (hash !== -1 && hash < mark)) return new URLSearchParams();
  // From the '?' on: the constructor drops one leading '?', and would drop one that starts the query itself.
  const query = hash === -1 ? url.slice(mark) : url.slice(mark, hash);
  // Other than printable ASCII, the URL parser's own encoding decides: let it read the URL.
  return PRINTABLE_ASCII.test(query) ? new URLSearchParams(query) : new URL(url).searchParams;
}
