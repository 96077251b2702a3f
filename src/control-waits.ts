// Pure helpers of the control waits (src/control.ts): timeouts, the scope of `since`, and how a wait that timed out
// describes what it was waiting for and what it saw instead.
import { z } from 'zod';
import { toIsoTime } from './clock.ts';
import { toDeliverySeq } from './delivery-log.ts';
import { toEcho } from './echo.ts';
import { ControlError } from './errors.ts';
import type { RequestFilter } from './journal.ts';
import type { Delivery } from './provider/contract.ts';

/** A position in the request journal and the delivery log, with the clock's time: what `control.mark()` answers. */
export type Mark = { requestSeq: number; deliverySeq: number; time: number };

/** A mark as the admin API takes it. */
export const markSchema = z
  .object({
    requestSeq: z.number().int().nonnegative(),
    deliverySeq: z.number().int().nonnegative(),
    time: z.number(),
  })
  .strict();

export function toWaitMs(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new ControlError(400, `timeoutMs must be a number of ms, not ${toEcho(timeoutMs, 30)}.`);
  }
  return Math.min(timeoutMs, 2_147_483_647);
}

// Builds a matcher; an invalid filter is the caller's mistake (400), not an internal error.
export function toMatcher<T>(build: () => T, where = 'match'): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof z.ZodError)
      throw new ControlError(400, `Invalid ${where}: ${z.prettifyError(error)}`);
    throw error;
  }
}

export function toRequestScope(since: Mark | number | undefined): RequestFilter {
  if (since === undefined) return {};
  if (typeof since === 'number') return { since };
  return { after: markSchema.parse(since).requestSeq };
}

export function toDeliveryScope(since: Mark | number | undefined): (delivery: Delivery) => boolean {
  if (since === undefined) return () => true;
  if (typeof since === 'number') return (d) => d.createdAt >= since;
  const after = markSchema.parse(since).deliverySeq;
  return (d) => toDeliverySeq(d.id) > after;
}

export function withoutBody(match: RequestFilter & { body?: unknown }): RequestFilter {
  const { body: _body, ...filter } = match;
  return filter;
}

// A filter narrowed by a `since` scope: both bounds hold, so the later one wins.
export function mergeScope(filter: RequestFilter, scope: RequestFilter): RequestFilter {
  const merged = { ...filter };
  if (scope.after !== undefined) merged.after = Math.max(Number(filter.after ?? 0), Number(scope.after));
  if (scope.since !== undefined) {
    merged.since = Math.max(Number(filter.since ?? Number.NEGATIVE_INFINITY), Number(scope.since));
  }
  return merged;
}

export function describeMatch(match: object): string {
  if (typeof match === 'function') return 'the predicate';
  const { body, ...filter } = match as { body?: unknown };
  const text = toJsonEcho(filter);
  if (body === undefined) return text;
  return `${text} with body ${typeof body === 'function' ? 'matching the predicate' : toJsonEcho(body)}`;
}

// JSON (its strings escaped, so input cannot forge a line), cut to `max` characters.
function toJsonEcho(value: unknown, max = 300): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = typeof value;
  }
  return text.length > max ? `${text.slice(0, max)}…(+${text.length - max} chars)` : text;
}

export function describeSince(since: Mark | number | undefined): string {
  if (since === undefined) return '';
  if (typeof since === 'number') return ` at or after ${toIsoTime(since)}`;
  return ` after request ${since.requestSeq} / delivery ${since.deliverySeq}`;
}

export function describeSignal(name: string, payload: unknown): string {
  const p = payload as Record<string, unknown> | undefined;
  // Method and path come from requests: escaped, so they cannot forge a line of the message.
  const quote = (value: unknown) => toEcho(value, 200).slice(1, -1);
  switch (name) {
    case 'request.started':
      return `request ${quote(p?.method)} ${quote(p?.path)} arrived`;
    case 'request':
      return `request ${quote(p?.method)} ${quote(p?.path)} answered ${p?.status}`;
    case 'delivery.created':
      return `delivery ${quote(p?.type)} to ${quote(p?.url)} created`;
    default:
      return 'simulator work ended';
  }
}
