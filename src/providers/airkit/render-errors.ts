import type { Context } from 'hono';
import { type BodyFailure, type CoreError, Refusal, toEcho } from '../../provider/index.ts';

/** An airkit simulator error (simulator choice: Airkit documents no REST error envelope). */
export type AirkitFailure = {
  status: number;
  code: string;
  message: string;
  details?: Array<{ field: string; issue: string }>;
};

/** The error envelope: `{"error":{"code","message","details"?}}`. */
export function renderAirkitError(f: AirkitFailure): {
  error: { code: string; message: string; details?: unknown };
} {
  return { error: { code: f.code, message: f.message, ...(f.details ? { details: f.details } : {}) } };
}

/** Refuses the request with `f` in the Airkit envelope (the pipeline answers the thrown refusal as is). */
export function refuseWith(f: AirkitFailure): never {
  throw new Refusal({ status: f.status, body: renderAirkitError(f) });
}

/** A body that is malformed (400 MALFORMED_JSON) or not JSON (415 UNSUPPORTED_MEDIA_TYPE), in the Airkit envelope. */
export function renderBodyFailure(body: BodyFailure, c: Context): Response {
  const f: AirkitFailure =
    body.reason === 'malformed'
      ? { status: 400, code: 'MALFORMED_JSON', message: body.message }
      : { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: body.message };
  return c.json(renderAirkitError(f), f.status as 400);
}

/** The Airkit code of each error the core detects. */
const CORE_CODES: Record<CoreError['kind'], string> = {
  'not-found': 'NOT_FOUND',
  'payload-too-large': 'PAYLOAD_TOO_LARGE',
  fault: 'UNAVAILABLE',
  internal: 'INTERNAL',
};

/** An error the core detects (unknown route, body too large, injected fault, internal), in the Airkit envelope. */
export function renderCoreError(c: Context, error: CoreError): Response {
  const f = { status: error.status, code: CORE_CODES[error.kind], message: error.message };
  return c.json(renderAirkitError(f), error.status as 500);
}

/** Request input as an error message shows it: escaped and cut by `toEcho`, without its JSON quotes. */
export function toInputText(value: unknown): string {
  return toEcho(typeof value === 'string' ? value : String(value)).slice(1, -1);
}

/** Request input quoted in an error message: `'<input>'`, escaped and cut. */
export function toQuoted(value: unknown): string {
  return `'${toInputText(value)}'`;
}
