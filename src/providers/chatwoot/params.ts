import type { Context } from 'hono';
import { readBody } from '../../http.ts';
import { isSafeKey } from '../../own.ts';
import type { ChatwootFailure } from './errors.ts';
import { isNestedWithin, MAX_JSON_NESTING, type UploadedFile } from './rules.ts';

/** Rails' answer to an unparsable body (ActionDispatch::Http::Parameters::ParseError). */
export const ERROR_BAD_REQUEST: ChatwootFailure = {
  status: 400,
  body: { status: 400, error: 'Bad Request' },
};

/** Request params as Rails sees them: JSON, form or multipart fields, plus uploaded files. */
export type Params = { body: Record<string, unknown>; files: UploadedFile[] };

/**
 * Reads the body into params. Like Rails, a body of another media type (or a JSON array) adds no params;
 * malformed JSON, or JSON nested deeper than Ruby's JSON.parse reads, answers 400.
 */
export async function readParams(
  c: Context,
): Promise<{ ok: true; value: Params } | { ok: false; error: ChatwootFailure }> {
  const result = await readBody(c, ['json', 'form', 'multipart'], { maxJsonDepth: MAX_JSON_NESTING });
  if (!result.ok) {
    if (result.reason === 'malformed') return { ok: false, error: ERROR_BAD_REQUEST };
    return { ok: true, value: { body: {}, files: [] } };
  }
  const value = result.value;
  if (!isNestedWithin(value, MAX_JSON_NESTING)) return { ok: false, error: ERROR_BAD_REQUEST };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: true, value: { body: {}, files: [] } };
  }
  if (result.kind !== 'multipart')
    return { ok: true, value: { body: value as Record<string, unknown>, files: [] } };
  const body: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const items = Array.isArray(raw) ? raw : [raw];
    const strings: string[] = [];
    for (const item of items) {
      if (typeof item === 'string') strings.push(item);
      else if (item instanceof File)
        files.push({ name: item.name, size: item.size, type: item.type || 'application/octet-stream' });
    }
    const name = key.replace(/\[\]$/, '');
    // No Chatwoot param is named __proto__; assigning it would change the body's prototype.
    if (strings.length > 0 && isSafeKey(name)) body[name] = key.endsWith('[]') ? strings : strings[0];
  }
  return { ok: true, value: { body, files } };
}
