// Validation of the conversation update bodies (priority, labels, custom attributes, transcript). Pure.
import { hasOwn } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import { type ChatwootFailure, toInputText, toUnprocessable } from './render-errors.ts';
import { isPresent, toAttrs } from './rules.ts';

type Body = Record<string, unknown>;

/** Conversation priorities (Conversation enum priority). */
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

/**
 * `priority`: `.presence` (blank clears it) of an enum value; anything else is Rails' enum ArgumentError text,
 * answered 422 (simulator choice: Chatwoot lets it become a 500).
 */
export function parsePriority(body: Body): Result<string | null, ChatwootFailure> {
  const v = body.priority;
  if (!isPresent(v)) return ok(null);
  if (!(PRIORITIES as readonly unknown[]).includes(v))
    return fail(toUnprocessable(`'${toInputText(v)}' is not a valid priority`));
  return ok(v as string);
}

/** `labels` as acts_as_taggable_on reads a tag list: an array of names or a comma-separated string; deduplicated. */
export function parseLabels(body: Body): Result<string[], ChatwootFailure> {
  const v = body.labels;
  if (v === undefined || v === null || v === '') return ok([]);
  const raw = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : null;
  if (raw === null || raw.some((l) => typeof l !== 'string' && typeof l !== 'number'))
    return fail(toUnprocessable('labels must be an array of label names'));
  const out: string[] = [];
  for (const l of raw) {
    const name = String(l).trim();
    if (name !== '' && !out.includes(name)) out.push(name);
  }
  return ok(out);
}

/** `params.permit(custom_attributes: {})[:custom_attributes]`: an object; absent is empty (simulator choice). */
export function parseCustomAttributes(body: Body): Result<Record<string, unknown>, ChatwootFailure> {
  if (!hasOwn(body, 'custom_attributes')) return ok({});
  const attrs = toAttrs(body.custom_attributes);
  if (attrs === null) return fail(toUnprocessable('custom_attributes must be an object'));
  return ok(attrs ?? {});
}

/** `transcript` needs an `email` (conversations_controller.rb: 'email param missing'). */
export function parseTranscript(body: Body): Result<string, ChatwootFailure> {
  const email = body.email;
  if (typeof email !== 'string' || email.trim() === '') return fail(toUnprocessable('email param missing'));
  return ok(email);
}
