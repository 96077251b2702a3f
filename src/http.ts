import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Context } from 'hono';

/** The outcome of reading a request body: the parsed value, or why it could not be read. */
export type BodyResult =
  | { ok: true; kind: 'json' | 'xml' | 'form' | 'multipart' | 'text' | 'empty'; value: unknown; raw: string }
  | { ok: false; reason: 'malformed' | 'unsupported-media-type'; message: string; raw: string };

/** The media types a route accepts. */
export type BodyKinds = ReadonlyArray<'json' | 'xml' | 'form' | 'multipart' | 'text'>;

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

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

/** Parses an XML document into a plain object (attributes as `@name`). Throws on malformed XML. */
export function parseXml(text: string): unknown {
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) throw new SyntaxError(`${verdict.err.msg} (line ${verdict.err.line})`);
  return xmlParser.parse(text);
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
export async function readBody(c: Context, kinds: BodyKinds): Promise<BodyResult> {
  const mediaType = parseMediaType(c.req.header('content-type'));
  const kind = toBodyKind(mediaType);
  if (kind === 'multipart' && kinds.includes('multipart')) {
    try {
      const form = await c.req.parseBody({ all: true });
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
      message: `Unsupported Content-Type '${mediaType || '(none)'}'; expected ${kinds.join(' or ')}`,
      raw,
    };
  }
  try {
    if (kind === 'json') return { ok: true, kind, value: JSON.parse(raw), raw };
    if (kind === 'xml') return { ok: true, kind, value: parseXml(raw), raw };
    if (kind === 'form') return { ok: true, kind, value: Object.fromEntries(new URLSearchParams(raw)), raw };
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

/** The message of an unknown thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
