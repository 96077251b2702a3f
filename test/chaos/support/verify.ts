// How a careful receiver checks the signature of a webhook: shared by the chaos rigs and the test bots.
import { createHmac, type KeyObject, verify } from 'node:crypto';
import { toSignedPayload } from '../../../src/providers/8x8/events-signing.ts';

/** What a signature check reads of a received request. */
export type SignedRequest = { headers: Record<string, string>; body: string };

/** Chatwoot and Airkit: `x-<prefix>-signature: sha256=<hex HMAC of "<timestamp>.<body>">`. */
export function isValidHmac(secret: string, prefix: string, request: SignedRequest): boolean {
  const timestamp = request.headers[`x-${prefix}-timestamp`];
  const signature = request.headers[`x-${prefix}-signature`];
  if (timestamp === undefined || signature === undefined) return false;
  const digest = createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex');
  return signature === `sha256=${digest}`;
}

/** 8x8: an RS256 detached JWS over the body checksum, the ids, the retry count and the transmission time. */
export function isValid8x8Jws(publicKey: KeyObject, request: SignedRequest): boolean {
  const h = request.headers;
  const [header, , signature] = (h['x-8x8-signature'] ?? '').split('.');
  if (!header || !signature) return false;
  const payload = toSignedPayload(request.body, {
    cid: h['x-8x8-customer-id'] ?? '',
    eid: h['x-8x8-event-id'] ?? '',
    retry: Number(h['x-8x8-retry']),
    tid: h['x-8x8-tenant-id'] ?? '',
    tt: Number(h['x-8x8-transmission-time']),
  });
  return verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    publicKey,
    Buffer.from(signature, 'base64url'),
  );
}
