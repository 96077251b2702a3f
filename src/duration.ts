import ms from 'ms';

/** Parses a duration: a number of milliseconds, or a string like '500ms', '2s', '1.5m', '1h'. */
export function parseDuration(value: number | string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else if (/^\d+(\.\d+)?$/.test(value.trim())) {
    return Number(value);
  } else {
    const parsed = ms(value.trim() as ms.StringValue);
    if (typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0) return parsed;
  }
  throw new RangeError(
    `'${value}' is not a duration. Please use milliseconds or a string like 500ms, 2s, 1m.`,
  );
}
