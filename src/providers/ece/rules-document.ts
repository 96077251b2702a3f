/** Pure readers of a request document: JSON, XML or multipart/form-data (seed 003 Content-Type). */
import { parseJson, parseXml } from '../../http.ts';
import { ok, type Result } from '../../provider/index.ts';
import { type EceError, failWith } from './render-errors.ts';
import { unwrapXml } from './rules-body.ts';

/** A file part of a multipart request, as attachment metadata. */
export type FilePart = { fileName: string; contentType: string; size: string };

/** The document of a request (undefined when the body is empty) and any files sent beside it. */
export type RequestDocument = { document: unknown; files: FilePart[] };

/** Parses a JSON or XML text by its first character. */
export function parseDocumentText(text: string): Result<unknown, EceError> {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('<')) return ok(unwrapXml(parseXml(trimmed)));
    return ok(parseJson(trimmed));
  } catch (error) {
    return failWith(
      'body.malformed',
      `The multipart document part is neither JSON nor XML: ${(error as Error).message}`,
    );
  }
}

/**
 * Simulator choice for multipart/form-data: the document is the part named `request` (else the first text part),
 * JSON or XML; file parts are attachments.
 */
function parseMultipartDocument(form: Record<string, unknown>): Result<RequestDocument, EceError> {
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
  if (text === undefined) return ok({ document: undefined, files });
  const document = parseDocumentText(text);
  if (!document.ok) return document;
  return ok({ document: document.value, files });
}

/** The document of a request as `readBody` read it (`kind`, `value`): XML loses its root element. */
export function toRequestDocument(body: { kind: string; value: unknown }): Result<RequestDocument, EceError> {
  if (body.kind === 'empty') return ok({ document: undefined, files: [] });
  if (body.kind === 'multipart') return parseMultipartDocument(body.value as Record<string, unknown>);
  return ok({ document: body.kind === 'xml' ? unwrapXml(body.value) : body.value, files: [] });
}

/** Multipart file parts become uploadAttachment entries of the message document. */
export function toDocumentWithFiles(document: unknown, files: FilePart[]): unknown {
  if (files.length === 0 || typeof document !== 'object' || document === null) return document;
  return { ...(document as object), attachments: { attachment: files } };
}
