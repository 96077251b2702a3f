/** Default length of a piece of request input quoted in an error message or a log line. */
export const ECHO_LIMIT = 120;

/**
 * Quotes request input for an error message or a log line: JSON-escaped (so a newline cannot forge a log line and
 * control characters show as escapes) and cut to `max` characters, with the cut marked.
 */
export function toEcho(value: unknown, max = ECHO_LIMIT): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    // Too deep or cyclic to serialize (String() of a deep array recurses too): say what it is instead.
    text = Array.isArray(value) ? '[array]' : typeof value === 'object' ? '[object]' : typeof value;
  }
  const cut = text.length > max ? `${text.slice(0, max)}…(+${text.length - max} chars)` : text;
  return JSON.stringify(cut);
}
