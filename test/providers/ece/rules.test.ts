// Pure rules, without HTTP.
import { describe, expect, test } from 'vitest';
import { toPlainText } from '../../../src/providers/ece/model-agent.ts';
import { parseAccept, parseAcceptLanguage, parseBearer } from '../../../src/providers/ece/rules.ts';
import { assertAttributes, parseStartBody } from '../../../src/providers/ece/rules-body.ts';
import { parseSendMessageBody } from '../../../src/providers/ece/rules-message.ts';
import { parseStartQuery } from '../../../src/providers/ece/rules-query.ts';

const LANGUAGES = ['en-US', 'fr-FR', 'es-ES'];

describe('ECE pure rules', () => {
  test('Accept picks JSON by default, XML when asked, and refuses other types', () => {
    expect(parseAccept(undefined)).toEqual({ ok: true, value: 'json' });
    expect(parseAccept('application/xml')).toEqual({ ok: true, value: 'xml' });
    expect(parseAccept('application/json, text/plain, */*')).toEqual({ ok: true, value: 'json' });
    expect(parseAccept('application/json;q=0.5, application/xml')).toEqual({ ok: true, value: 'xml' });
    expect(parseAccept('text/html')).toMatchObject({ ok: false, error: { error: 'accept.invalid' } });
  });

  test('Accept-Language matches supported codes exactly, by primary language, or by wildcard', () => {
    expect(parseAcceptLanguage(undefined, LANGUAGES)).toEqual({ ok: true, value: 'en-US' });
    expect(parseAcceptLanguage('en-us', LANGUAGES)).toEqual({ ok: true, value: 'en-US' });
    expect(parseAcceptLanguage('fr', LANGUAGES)).toEqual({ ok: true, value: 'fr-FR' });
    expect(parseAcceptLanguage('*', LANGUAGES)).toEqual({ ok: true, value: 'en-US' });
    expect(parseAcceptLanguage('de-DE', LANGUAGES)).toMatchObject({
      ok: false,
      error: { error: 'language.invalid' },
    });
    expect(parseAcceptLanguage('en;q=2', LANGUAGES)).toMatchObject({ ok: false });
  });

  test('Authorization must be "Bearer <access_token>"', () => {
    expect(parseBearer('Bearer abc')).toEqual({ ok: true, value: 'abc' });
    expect(parseBearer(undefined)).toMatchObject({ ok: false, error: { error: 'auth.missing' } });
    expect(parseBearer('bearer abc')).toMatchObject({ ok: false, error: { error: 'auth.format' } });
    expect(parseBearer('Bearer a b')).toMatchObject({ ok: false, error: { error: 'auth.format' } });
  });

  test('the start query needs exactly one of anonymousCustomer and searchContactOnAttribute', () => {
    const parse = (q: string) =>
      parseStartQuery(new URLSearchParams(q), { facebookpsid: { type: 'string', maxLength: 255 } });
    expect(parse('anonymousCustomer=yes')).toEqual({
      ok: true,
      value: { search: null, conversationContact: null, sendTypingNotification: false },
    });
    expect(parse('searchContactOnAttribute=custom.facebookpsid')).toMatchObject({ ok: true });
    expect(parse('')).toMatchObject({ ok: false, error: { error: 'query.exclusive' } });
  });

  test("string custom attributes allow letters, digits, spaces and . , - _ @ : / ( ) + # ? ! '", () => {
    const defs = { note: { type: 'string' as const, maxLength: 100 } };
    expect(
      assertAttributes({ note: "Ça va? (order #12) - jane@x.com/1+1 it's ok!" }, defs, 'a'),
    ).toMatchObject({ ok: true });
    for (const bad of ['<b>', 'a;b', 'a"b', 'a&b', 'a%b']) {
      expect(assertAttributes({ note: bad }, defs, 'a')).toMatchObject({
        ok: false,
        error: { error: 'attribute.invalid' },
      });
    }
  });

  test('XML single elements read like JSON arrays', () => {
    const body = parseStartBody(
      {
        entryPointConfiguration: { entryPoint: { id: '1001' }, lastModified: { date: 'd' } },
        activity: { customer: { contacts: { contact: { email: { emailAddress: 'a@b.co' } } } } },
      },
      {},
    );
    expect(body).toMatchObject({ ok: true, value: { customer: { contact: { email: ['a@b.co'] } } } });
  });

  test('sendmessage attachments need fileName on upload and id on accept or reject', () => {
    const base = { conversation: { id: 'c' } };
    expect(
      parseSendMessageBody({
        ...base,
        type: { value: 'uploadAttachment' },
        attachments: { attachment: [{}] },
      }),
    ).toMatchObject({ ok: false });
    expect(
      parseSendMessageBody({
        ...base,
        type: { value: 'rejectAttachment' },
        attachments: { attachment: [{ id: '1' }] },
      }),
    ).toMatchObject({ ok: true });
    expect(parseSendMessageBody({ ...base, type: { value: 'acceptAttachment' } })).toMatchObject({
      ok: false,
    });
  });

  test('HTML becomes plain text for clients without rich text', () => {
    expect(toPlainText('<p>a<br/>b &lt;c&gt; &amp; &quot;d&quot;</p>')).toBe('a\nb <c> & "d"');
  });
});

describe('custom attributes as the Webex Connect node sends them (seed 002)', () => {
  test('a custom attribute sent as null sets nothing, in both the object and the attribute-list form', async () => {
    const { parseAttributes } = await import('../../../src/providers/ece/rules-body.ts');
    expect(parseAttributes({ a: 'x', conversation_id: null }, 'w')).toEqual({ ok: true, value: { a: 'x' } });
    expect(
      parseAttributes(
        {
          attribute: [
            { name: 'conversation_id', value: null },
            { name: 'a', value: 'x' },
          ],
        },
        'w',
      ),
    ).toEqual({ ok: true, value: { a: 'x' } });
    expect(parseAttributes(null, 'w')).toEqual({ ok: true, value: {} });
    expect(parseAttributes({ attribute: [{ name: 'a' }] }, 'w')).toMatchObject({ ok: false });
  });

  test('only the node fields are renamed to a configured attribute, and never over an exact name', async () => {
    const { toConfiguredNames } = await import('../../../src/providers/ece/rules-body.ts');
    const defs = { transaction_id: { type: 'string', maxLength: 255 } } as const;
    expect(toConfiguredNames({ 'Transaction ID': 't' }, defs)).toEqual({ transaction_id: 't' });
    expect(toConfiguredNames({ transactionId: 't', transaction_id: 'u' }, defs)).toEqual({
      transactionId: 't',
      transaction_id: 'u',
    });
    expect(toConfiguredNames({ 'Priority Level': 'low' }, defs)).toEqual({ 'Priority Level': 'low' });
    expect(toConfiguredNames({ clusterId: 'c' }, defs)).toEqual({ clusterId: 'c' });
  });
});
