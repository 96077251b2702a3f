// Pure validation of the 8x8 resources both APIs share: web-hooks, channels (OAS WebHookV2Request,
// ChannelV2Request and their Gateway twins) and the v2 token request.
import { getOwn, isRecord } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import { type Api, type EightByEightState, findWebhook } from './model.ts';
import { isSameSecret, type Parsed, parseObject, Reader, show } from './rules.ts';

/** A clean web-hook create/update body. */
export type WebhookInput = { name: string; uri: string; version: string };
/** A clean web-hook verify body. */
export type VerifyInput = { uri: string; version: string };
/** A clean channel create/update body (`type` only in the Gateway). */
export type ChannelInput = { name: string; type?: string; webHookId: string; queueId: string };

/** Webhook create/update body: `{name, uri, version?}`. */
export function parseWebhookBody(api: Api, body: unknown): Parsed<WebhookInput> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const name = r.string('name', { required: true, max: 256 });
  const uri = r.uri('uri');
  const versions = api === 'v2' ? (['v1.0', 'v2.0'] as const) : (['Chat Gateway v1.0'] as const);
  const version = r.oneOf('version', versions) ?? versions[versions.length - 1]!;
  return r.done({ name: name ?? '', uri: uri ?? '', version });
}

/** Webhook verify body: `{version, uri}`, both required. */
export function parseVerifyBody(api: Api, body: unknown): Parsed<VerifyInput> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const versions = api === 'v2' ? (['v1.0', 'v2.0'] as const) : (['Chat Gateway v1.0'] as const);
  const version = r.oneOf('version', versions, { required: true });
  const uri = r.uri('uri');
  return r.done({ uri: uri ?? '', version: version ?? '' });
}

/** Channel create/update body: `{name, type?, webHookId, routingOptions:{type:"queue", id}}`. */
export function parseChannelBody(api: Api, body: unknown, state: EightByEightState): Parsed<ChannelInput> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const name = r.string('name', { required: true, max: 255 });
  const type = api === 'gateway' ? r.string('type', { max: 25 }) : undefined;
  const webHookId = r.string('webHookId', { required: true });
  if (webHookId && !findWebhook(state, api, webHookId)) {
    r.fail('webHookId', webHookId, `WebHook ID ${show(webHookId)} is invalid.`, 'invalid_web_hook');
  }
  const routing = object.value.routingOptions;
  let queueId: string | undefined;
  if (!isRecord(routing)) {
    r.fail('routingOptions', routing, 'May not be empty.');
  } else {
    r.oneOf('type', ['queue'] as const, { required: true, from: routing, path: 'routingOptions.type' });
    queueId = r.string('id', { required: true, from: routing, path: 'routingOptions.id' });
    if (queueId && !getOwn(state.queues, queueId)) {
      r.fail('routingOptions.id', queueId, `Queue ID ${show(queueId)} is invalid.`, 'invalid_queue');
    }
  }
  return r.done({
    name: name ?? '',
    ...(type ? { type } : {}),
    webHookId: webHookId ?? '',
    queueId: queueId ?? '',
  });
}

/** Why a token request is refused: the status and the OAuthConstraintViolationProblem fields. */
export type TokenRefusal = { status: 400 | 401; code: string; error: string };

/** The v2 token request: Basic credentials and `grant_type=client_credentials`; gives the client id. */
export function parseTokenRequest(
  authorization: string | undefined,
  form: Record<string, string>,
  credentials: { apiKey: string; apiSecret: string },
): Result<string, TokenRefusal> {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const [key, secret] = colon < 0 ? ['', ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  if (!match || key === '') {
    return fail({ status: 401, code: 'invalid_client', error: 'Client identifier is required' });
  }
  // Both are compared (no early exit), each in constant time.
  const keyMatches = isSameSecret(key, credentials.apiKey);
  const secretMatches = isSameSecret(secret, credentials.apiSecret);
  if (!keyMatches || !secretMatches) {
    return fail({ status: 401, code: 'invalid_client', error: 'ClientId is Invalid' });
  }
  const grant = getOwn(form, 'grant_type');
  if (grant !== 'client_credentials') {
    return fail({ status: 400, code: 'invalid_request', error: `Unsupported grant type : ${show(grant)}` });
  }
  return ok(key);
}
