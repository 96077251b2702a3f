// Masking of secrets in what the event stream and the live log show of URLs and query strings.
import { isSecretKey, REDACTED } from './admin-security.ts';

/** A URL with its user-info (Basic credentials) and the values of secret-named query parameters masked. */
export function maskUrl(url: string): string {
  let masked = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${REDACTED}@`);
  const mark = masked.indexOf('?');
  if (mark !== -1) masked = masked.slice(0, mark) + maskQuery(masked.slice(mark));
  return masked;
}

/** A query string (with its '?') with the values of secret-named parameters masked. */
export function maskQuery(query: string): string {
  return query.replace(/([?&])([^=&#]*)=([^&#]*)/g, (whole, sep: string, key: string) =>
    isSecretKey(safeDecode(key)) ? `${sep}${key}=${REDACTED}` : whole,
  );
}

/** `text` percent-decoded, or as is when it is not valid percent-encoding. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
