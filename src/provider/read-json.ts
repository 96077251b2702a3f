import type { Context } from 'hono';
import { type BodyKinds, type BodyResult, readBody } from '../http.ts';
import { Refusal } from './refusal.ts';

/** Why a body could not be read: malformed, or of a media type the route does not take. */
export type BodyFailure = Extract<BodyResult, { ok: false }>;

/**
 * Reads a JSON body (undefined when empty). When it is malformed or not JSON, refuses the request with the
 * answer `onError` renders in the provider's envelope.
 */
export async function readJson(
  c: Context,
  onError: (failure: BodyFailure, c: Context) => Response,
  options: { kinds?: BodyKinds; maxJsonDepth?: number } = {},
): Promise<unknown> {
  const body = await readBody(c, options.kinds ?? ['json'], options);
  if (!body.ok) throw new Refusal(onError(body, c));
  return body.value;
}
