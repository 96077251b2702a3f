/** Response bodies of the ECE provider, JSON or XML per Accept: Conversation, token, configuration, WSError. */
import type { Context } from 'hono';
import { renderXml } from '../../http.ts';
import type { CoreError } from '../../provider/index.ts';
import type { StartedConversation } from './model.ts';
import type { EceState, EntryPoint, TranscriptEntry } from './model-state.ts';
import { type EceError, ERRORS, type ErrorKey, toUserMessage } from './render-errors.ts';
import { type Format, parseAcceptLanguage, toErrorFormat } from './rules.ts';

/** Renders a body in the negotiated format under an XML root element. */
export function renderBody(c: Context, format: Format, root: string, value: unknown, status = 200): Response {
  const body = format === 'xml' ? renderXml(root, value) : JSON.stringify(value);
  return c.body(body, status as 200, {
    'content-type': format === 'xml' ? 'application/xml' : 'application/json',
  });
}

/**
 * The WSError envelope (schema v19-schema-kb-WSError). Simulator choice: field names code, developerMessage,
 * userMessage and moreInfo (reference 2.8: unconfirmed); userMessage follows Accept-Language.
 */
export function toWsError(error: EceError, language: string): Record<string, string> {
  const entry = ERRORS[error.error];
  return {
    code: entry.code,
    developerMessage: error.detail,
    userMessage: toUserMessage(error.error, language),
    moreInfo: `docs/providers/ece.md#error-codes (${entry.code})`,
  };
}

/** Renders a WSError with its HTTP status. */
export function renderWsError(c: Context, format: Format, language: string, error: EceError): Response {
  return renderBody(c, format, 'WSError', toWsError(error, language), ERRORS[error.error].status);
}

/** The language errors are told in even before Accept-Language has been checked. */
export function toErrorLanguage(c: Context, state: EceState): string {
  const language = parseAcceptLanguage(c.req.header('accept-language'), state.settings.languages);
  return language.ok ? language.value : (state.settings.languages[0] ?? 'en-US');
}

/** Renders a refused request's WSError in the format and language it asked for (when usable). */
export function renderRequestError(c: Context, state: EceState, error: EceError): Response {
  return renderWsError(c, toErrorFormat(c.req.header('accept')), toErrorLanguage(c, state), error);
}

const CORE_ERRORS: Record<CoreError['kind'], ErrorKey | null> = {
  'not-found': 'route.notFound',
  'payload-too-large': 'body.tooLarge',
  fault: null,
  internal: 'internal',
};

/** Renders an error the core detected (unknown route, body too large, injected fault, internal error). */
export function renderCoreError(c: Context, error: CoreError, state: EceState): Response {
  const format = toErrorFormat(c.req.header('accept'));
  const language = toErrorLanguage(c, state);
  const key = error.kind === 'fault' && error.status === 500 ? 'internal' : CORE_ERRORS[error.kind];
  if (key) return renderWsError(c, format, language, { error: key, detail: error.message });
  // An injected fault with another status: the WSError of that status, sub-code 000.
  const body = {
    ...toWsError({ error: 'internal', detail: error.message }, language),
    code: `${error.status}-000`,
  };
  return renderBody(c, format, 'WSError', body, error.status);
}

/**
 * The Conversation (schema v19-schema-live-Conversation). Simulator choice: `id` is the conversation id
 * (integrators read `datum.id`, reference 2.3), with activity, case and customer ids beside it.
 */
export function toConversationBody(conversation: StartedConversation): Record<string, unknown> {
  return {
    id: conversation.id,
    activity: { id: conversation.activityId },
    case: { id: conversation.caseId },
    customer: conversation.customerId === null ? null : { id: conversation.customerId },
    entryPoint: { id: conversation.entryPointId },
  };
}

/** The entry point configuration answer (reference 2.2); extra fields beyond id and lastModified are a choice. */
export function toConfigurationBody(entryPoint: EntryPoint): Record<string, unknown> {
  return {
    entryPointConfiguration: [
      {
        entryPoint: { id: entryPoint.id, name: entryPoint.name },
        department: { id: entryPoint.departmentId },
        queue: { id: entryPoint.queueId },
        lastModified: { date: entryPoint.lastModified },
      },
    ],
  };
}

/** The answer of sendmessage (simulator choice: the stored message, as integrators parse JSON from it). */
export function toSentMessageBody(conversationId: string, entry: TranscriptEntry): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: entry.id,
    conversation: { id: conversationId },
    type: { value: entry.kind },
    timeStamp: entry.timeStamp,
  };
  if (entry.content !== null) body.content = entry.content;
  if (entry.attachments.length > 0) body.attachments = { attachment: entry.attachments };
  return body;
}
