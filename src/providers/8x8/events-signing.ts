// The 8x8 webhook signature: a detached JWS (RS256) over the body's checksum and the delivery's ids, retry count
// and transmission time. Source: reference/providers.md 1.1 "Webhook signing" (verify-webhook-callbacks.md,
// validating-webhook-events.md).
import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import type { EightByEightState } from './model.ts';

/** The fields 8x8 signs, besides the body checksum. */
export type SignatureFields = { cid: string; eid: string; retry: number; tid: string; tt: number };

/** The unsigned CRC32 of the raw body bytes (Java `CRC32.getValue()`). */
export function toChecksum(body: string): number {
  return crc32(Buffer.from(body, 'utf8')) >>> 0;
}

/** The detached payload 8x8 signs: keys in this exact (lexicographic) order. */
export function toSignedPayload(body: string, fields: SignatureFields): string {
  return JSON.stringify({
    checksum: toChecksum(body),
    cid: fields.cid,
    eid: fields.eid,
    retry: fields.retry,
    tid: fields.tid,
    tt: fields.tt,
  });
}

/** The protected JWS header 8x8 uses (b64=false: RFC 7797 unencoded, detached payload). */
export function toProtectedHeader(kid: string): string {
  return JSON.stringify({ b64: false, crit: ['b64'], kid, alg: 'RS256' });
}

/**
 * Signs a webhook body: a compact detached JWS `<header>..<signature>` (RS256, deterministic). The RSA work runs
 * on libuv's thread pool (crypto.sign with a callback), so signing does not hold up the requests being served.
 */
export async function createSignature(
  body: string,
  fields: SignatureFields,
  key: EightByEightState['signingKey'],
): Promise<string> {
  const header = Buffer.from(toProtectedHeader(key.kid)).toString('base64url');
  const input = `${header}.${toSignedPayload(body, fields)}`;
  const signature = await signOffThread('sha256', Buffer.from(input, 'utf8'), toPrivateKey(key.privateJwk));
  return `${header}..${signature.toString('base64url')}`;
}

const signOffThread = promisify(sign);

// Importing a JWK costs more than the signature itself (measured: signing ran at 23-42% of the parsed-key rate),
// so each key object of the state is imported once. Keyed by the object: no state is shared between simulators.
const importedKeys = new WeakMap<object, KeyObject>();
function toPrivateKey(jwk: object): KeyObject {
  let key = importedKeys.get(jwk);
  if (!key) {
    key = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    importedKeys.set(jwk, key);
  }
  return key;
}

/** The public JWK served by the jwk endpoints. */
export function toPublicJwk(key: EightByEightState['signingKey']): {
  kty: string;
  e: string;
  kid: string;
  n: string;
} {
  const jwk = createPublicKey(toPrivateKey(key.privateJwk)).export({ format: 'jwk' });
  return { kty: String(jwk.kty), e: String(jwk.e), kid: key.kid, n: String(jwk.n) };
}
