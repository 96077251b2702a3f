import ms from 'ms';
import { toEcho } from './echo.ts';

/**
 * The longest duration accepted anywhere (advance, timeouts, scenario delays): 10 years. Longer ones are refused,
 * because virtual time moved by them could leave the range of a JavaScript Date and break every later answer.
 */
export const MAX_DURATION_MS = 10 * 365.25 * 24 * 60 * 60 * 1000;

// Longer text cannot be a sensible duration; the cap also keeps a huge digit string from reaching Number().
const MAX_DURATION_TEXT = 32;

/**
 * Parses a duration: a number of milliseconds, or a string like '500ms', '2s', '1.5m', '1h'.
 * Throws a RangeError unless it is finite, non-negative and at most `MAX_DURATION_MS` (10 years).
 */
export function parseDuration(value: number | string): number {
  const parsed = toMilliseconds(value);
  if (parsed === undefined) {
    throw new RangeError(
      `${toEcho(value, 40)} is not a duration. Please use milliseconds or a string like 500ms, 2s, 1m.`,
    );
  }
  if (parsed > MAX_DURATION_MS) {
    throw new RangeError(
      `${toEcho(value, 40)} is too long: durations are limited to 10 years (${MAX_DURATION_MS} ms).`,
    );
  }
  return parsed;
}

function toMilliseconds(value: unknown): number | undefined {
  let parsed: unknown;
  if (typeof value === 'number') parsed = value;
  else if (typeof value !== 'string' || value.trim().length > MAX_DURATION_TEXT) return undefined;
  else if (/^\d+(\.\d+)?$/.test(value.trim())) parsed = Number(value);
  else parsed = ms(value.trim() as ms.StringValue);
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}
