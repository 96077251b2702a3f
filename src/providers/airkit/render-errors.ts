import { toEcho } from '../../echo.ts';

/** An airkit simulator error (simulator choice: Airkit documents no REST error envelope). */
export type AirkitFailure = {
  status: number;
  code: string;
  message: string;
  details?: Array<{ field: string; issue: string }>;
};

/** Either a validated value or the error to answer with. */
export type AirkitResult<T> = { ok: true; value: T } | { ok: false; error: AirkitFailure };

/** The error envelope: `{"error":{"code","message","details"?}}`. */
export function renderAirkitError(f: AirkitFailure): {
  error: { code: string; message: string; details?: unknown };
} {
  return { error: { code: f.code, message: f.message, ...(f.details ? { details: f.details } : {}) } };
}

/** Request input as an error message shows it: escaped and cut by `toEcho`, without its JSON quotes. */
export function toInputText(value: unknown): string {
  return toEcho(typeof value === 'string' ? value : String(value)).slice(1, -1);
}

/** Request input quoted in an error message: `'<input>'`, escaped and cut. */
export function toQuoted(value: unknown): string {
  return `'${toInputText(value)}'`;
}
