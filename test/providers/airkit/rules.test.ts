import { describe, expect, test } from 'vitest';
import { parseCustomerDestination, parseMessageText } from '../../../src/providers/airkit/rules.ts';

describe('airkit rules', () => {
  test('the Customer Destination is a Text session id or an E.164 Phone', () => {
    const issues: Array<{ field: string; issue: string }> = [];
    expect(parseCustomerDestination('abc', issues)).toEqual({ type: 'Text', sessionId: 'abc' });
    expect(parseCustomerDestination({ type: 'Phone', value: '+442071234567' }, issues)).toEqual({
      type: 'Phone',
      phoneNumber: '+442071234567',
    });
    expect(issues).toEqual([]);
    expect(parseCustomerDestination(42, issues)).toBeNull();
    expect(issues).toEqual([{ field: 'customerDestination', issue: 'expects type Text or Phone' }]);
  });

  test('message text must be a non-empty string of at most 4096 characters', () => {
    expect(parseMessageText({ text: 'ok' })).toEqual({ ok: true, value: 'ok' });
    expect(parseMessageText({ text: ' ' }).ok).toBe(false);
    expect(parseMessageText({ text: 'x'.repeat(4097) }).ok).toBe(false);
  });
});
