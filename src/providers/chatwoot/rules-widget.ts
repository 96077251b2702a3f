// Validation of the widget events route (Api::V1::Widget::EventsController, Chatwoot 4.12): the website token, the
// widget's auth token and the event info. Pure: no Hono, no I/O.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { getOwn, isRecord } from '../../own.ts';
import type { ChatwootState, ContactInbox, Inbox } from './model.ts';

type Json = Record<string, unknown>;

/**
 * `Channel::WebWidget.find_by!(website_token:)`, or undefined. A web widget inbox's token is `token-<id>`, as the inbox
 * partial shows it (simulator choice: Chatwoot draws a random token).
 */
export function findWebWidget(s: ChatwootState, token: unknown): Inbox | undefined {
  const m = typeof token === 'string' ? /^token-(\d{1,15})$/.exec(token) : null;
  const inbox = m ? getOwn(s.inboxes, m[1]!) : undefined;
  return inbox?.channel_type === 'Channel::WebWidget' ? inbox : undefined;
}

/** Base64url without padding, as JWT encodes its parts. */
function toBase64Url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Signs a widget token (JWT HS256 of `{source_id, inbox_id}`) with the inbox's secret, as tests mint one. */
export function createWidgetToken(payload: { source_id: string; inbox_id: number }, secret: string): string {
  const head = toBase64Url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = toBase64Url(JSON.stringify(payload));
  const signature = toBase64Url(createHmac('sha256', secret).update(`${head}.${body}`).digest());
  return `${head}.${body}.${signature}`;
}

/**
 * `Widget::TokenService#decode_token` then `set_contact`: an HS256 JWT signed with the inbox's secret (simulator
 * choice: Chatwoot signs with its secret_key_base, which no client knows) whose `source_id` names a contact inbox of
 * this widget inbox. Anything else is undefined (Chatwoot: RecordNotFound, 404).
 */
export function findWidgetContactInbox(
  s: ChatwootState,
  inbox: Inbox,
  token: string | undefined,
): ContactInbox | undefined {
  const parts = (token ?? '').split('.');
  if (parts.length !== 3) return undefined;
  const [head, body, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', inbox.secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    // A signed but unreadable payload names no contact, as decode_token's rescue answers {}.
    return undefined;
  }
  const sourceId = isRecord(payload) ? payload.source_id : undefined;
  if (typeof sourceId !== 'string') return undefined;
  const id = getOwn(s.index.contactInboxBySource, `${inbox.id}:${sourceId}`);
  return id === undefined ? undefined : getOwn(s.contactInboxes, String(id));
}

/**
 * The event info the webhook carries: the permitted `event_info` hash merged with `widget_language` (`locale`),
 * `browser_language` (the first Accept-Language code) and `browser` (the browser gem's reading of the User-Agent;
 * simulator choice: the values it gives an unknown agent, the User-Agent is not parsed).
 */
export function toWidgetEventInfo(body: Json, acceptLanguage: string | undefined): Json {
  const given = isRecord(body.event_info) ? body.event_info : {};
  const first = (acceptLanguage ?? '').split(',')[0]?.split(';')[0]?.trim() ?? '';
  return {
    ...given,
    widget_language: body.locale ?? null,
    browser_language: first ? first.split('-')[0]!.toLowerCase() : null,
    browser: {
      browser_name: 'Unknown Browser',
      browser_version: '0.0',
      device_name: 'Unknown',
      platform_name: 'Unknown',
      platform_version: '0',
    },
  };
}
