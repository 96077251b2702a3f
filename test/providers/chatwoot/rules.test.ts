import { describe, expect, test } from 'vitest';
import { createSignatureHeaders, renderChangedAttributes } from '../../../src/providers/chatwoot/events.ts';
import { chatwootFixturesSchema, createChatwootState } from '../../../src/providers/chatwoot/fixtures.ts';
import { toAttrs, toRecordId } from '../../../src/providers/chatwoot/rules.ts';
import { parseAccess } from '../../../src/providers/chatwoot/rules-auth.ts';
import {
  parseMessageCreate,
  parseToggleStatus,
} from '../../../src/providers/chatwoot/rules-conversations.ts';

const state = () =>
  createChatwootState(
    chatwootFixturesSchema.parse({
      accounts: [{ id: 1, name: 'A' }],
      agents: [{ id: 1, account_ids: [1], name: 'Al', email: 'al@a.test', access_token: 't' }],
      inboxes: [{ id: 1, account_id: 1, name: 'API', channel_type: 'Channel::Api' }],
    }),
    0,
    () => 'secret',
  );

describe('chatwoot rules', () => {
  test('record ids accept positive integers and digit strings only', () => {
    expect(toRecordId(3)).toBe(3);
    expect(toRecordId('12')).toBe(12);
    expect(toRecordId('1x')).toBeNull();
    expect(toRecordId(-1)).toBeNull();
    expect(toRecordId({})).toBeNull();
  });

  test('object params may arrive as JSON strings from multipart', () => {
    expect(toAttrs('{"a":1}')).toEqual({ a: 1 });
    expect(toAttrs('[1]')).toBeNull();
    expect(toAttrs(undefined)).toBeUndefined();
  });

  test('a missing token is checked before the account exists', () => {
    const result = parseAccess(state(), undefined, '99', {});
    expect(result.ok ? null : result.error.status).toBe(401);
  });

  test('toggle without status resolves an open conversation and reopens any other', () => {
    expect(parseToggleStatus({}, 'open')).toEqual({
      ok: true,
      value: { status: 'resolved', snoozed_until: null },
    });
    expect(parseToggleStatus({}, 'pending')).toEqual({
      ok: true,
      value: { status: 'open', snoozed_until: null },
    });
  });

  test('message_type defaults to outgoing and content_type to text', () => {
    const inbox = state().inboxes['1']!;
    const result = parseMessageCreate({ content: 'x' }, inbox, []);
    expect(result.ok && result.value).toMatchObject({
      message_type: 'outgoing',
      content_type: 'text',
      private: false,
    });
  });

  test('an unknown content_type answers 422', () => {
    const result = parseMessageCreate({ content: 'x', content_type: 'video' }, state().inboxes['1']!, []);
    expect(result.ok ? null : result.error).toEqual({
      status: 422,
      body: { error: "'video' is not a valid content_type" },
    });
  });

  test('changed_attributes lists one object per attribute with previous and current values', () => {
    expect(renderChangedAttributes([{ name: 'status', previous: 'open', current: 'resolved' }])).toEqual([
      { status: { previous_value: 'open', current_value: 'resolved' } },
    ]);
  });

  test('the signature is sha256= HMAC of timestamp.body in hex', () => {
    const headers = createSignatureHeaders('s', '{}', 1_000_500, 'd-1');
    expect(headers['X-Chatwoot-Timestamp']).toBe('1000');
    expect(headers['X-Chatwoot-Signature']).toBe(
      'sha256=1266ced5789d16ad976ad7b98cd2aa00ac3ba17106a40ee2a50f1df5cf9b85fc',
    );
    expect(headers['X-Chatwoot-Delivery']).toBe('d-1');
  });
});
