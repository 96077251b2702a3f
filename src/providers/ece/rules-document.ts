/** Reads a request document as JSON, XML or multipart/form-data (seed 003 Content-Type). */
import type { Context } from 'hono';
import { parseJson, parseXml, readBody } from '../../http.ts';
import { fail, type Result, succeed } from './render-errors.ts';
import { unwrapXml } from './rules-body.ts';

/** A file part of a multipart request, as attachment metadata. */
export type FilePart = { fileName: string; contentType: string; size: string };

/** The document of a request (undefined when the body is empty) and any files sent beside it. */
export type RequestDocument = { document: unknown; files: FilePart[] };

/** Parses a JSON or XML text by its first character. */
export function parseDocumentText(text: string): Result<unknown> {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('<')) return succeed(unwrapXml(parseXml(trimmed)));
    return succeed(parseJson(trimmed));
  } catch (error) {
    return fail(
      'body.malformed',
      `The multipart document part is neither JSON nor XML: ${(error as Error).message}`,
    );
  }
}

/**
 * Simulator choice for multipart/form-data: the document is the part named `request` (else the first text part),
 * JSON or XML; file parts are attachments.
 */
function fromMultipart(form: Record<string, unknown>): Result<RequestDocument> {
  const files: FilePart[] = [];
  const texts: Array<[string, string]> = [];
  for (const [name, raw] of Object.entries(form)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value === 'string') texts.push([name, value]);
      else if (value instanceof File) {
        files.push({
          fileName: value.name,
          contentType: value.type || 'application/octet-stream',
          size: String(value.size),
        });
      }
    }
  }
  const text = texts.find(([name]) => name === 'request')?.[1] ?? texts[0]?.[1];
  if (text === undefined) return succeed({ document: undefined, files });
  const document = parseDocumentText(text);
  if (!document.ok) return document;
  return succeed({ document: document.value, files });
}

/** Reads the body of a request; the body kinds are fixed by seed 003 (XML, JSON, multipart). */
export async function readDocument(c: Context): Promise<Result<RequestDocument>> {
  const body = await readBody(c, ['json', 'xml', 'multipart']);
  if (!body.ok) return fail('body.malformed', body.message);
  if (body.kind === 'empty') return succeed({ document: undefined, files: [] });
  if (body.kind === 'multipart') return fromMultipart(body.value as Record<string, unknown>);
  return succeed({ document: body.kind === 'xml' ? unwrapXml(body.value) : body.value, files: [] });
}
