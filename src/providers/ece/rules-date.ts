/**
 * `lastModified.date` compared as an instant (issue 16): a client that reformats the date it read from the
 * configuration endpoint (drops the milliseconds, writes it in another offset) still names the same entry point
 * version. Reference 2.2: the format itself was not seen, so anything that is not an ISO-8601 date-time is
 * compared as text (simulator choice).
 */

// YYYY-MM-DD, T (or a space), hh:mm[:ss[.fraction]], then Z, ±hh:mm, ±hhmm or nothing (read as UTC).
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * The instant an ISO-8601 date-time names, in epoch milliseconds (with a fraction below the millisecond), or
 * null when the text is not one (or names no real calendar date).
 */
export function toInstant(text: string): number | null {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, , sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const base = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March: such a date is not a date.
  if (new Date(base).getUTCDate() !== day) return null;
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  if (sign !== undefined && (Number(oh) > 23 || Number(om) > 59)) return null;
  return base - offsetMinutes * 60_000 + (fraction === undefined ? 0 : Number(`0.${fraction}`) * 1000);
}

/**
 * Whether a date a client sent names the entry point's current `lastModified`: the same instant when both are
 * ISO-8601 date-times, else the same text.
 */
export function isSameLastModified(sent: string, current: string): boolean {
  if (sent === current) return true;
  const a = toInstant(sent);
  const b = toInstant(current);
  return a !== null && b !== null && a === b;
}
