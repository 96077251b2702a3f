/** Response bodies of the ECE provider, JSON or XML per Accept: Conversation, token, configuration, WSError. */
import type { Context } from 'hono';
import { renderXml } from '../../http.ts';
import type { Conversation, EntryPoint, TranscriptEntry } from './model-state.ts';
import { type EceError, ERRORS, toUserMessage } from './render-errors.ts';
import type { Format } from './rules.ts';

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

/**
 * The Conversation (schema v19-schema-live-Conversation). Simulator choice: `id` is the conversation id
 * (integrators read `datum.id`, reference 2.3), with activity, case and customer ids beside it.
 */
export function toConversationBody(conversation: Conversation): Record<string, unknown> {
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
