// Reference 2.2: clients copy entryPointConfiguration[0].lastModified.date into start, and a changed entry point
// answers 409. Issue 16 item 2: the date is compared as an instant, not as a string.
import { describe, expect, test } from 'vitest';
import { isSameLastModified, toInstant } from '../../../src/providers/ece/rules-date.ts';
import {
  createEceSim,
  getToken,
  sendMessage,
  settle,
  start,
  startBody,
  startOk,
  wsError,
} from './helpers.ts';

const withDate = (date: string) => ({
  ...startBody(),
  entryPointConfiguration: { entryPoint: { id: 1001 }, lastModified: { date } },
});

describe('lastModified.date is compared as an instant (reference 2.2)', () => {
  test.each([
    ['without milliseconds', '2024-11-05T09:30:00Z'],
    ['with microseconds', '2024-11-05T09:30:00.000000Z'],
    ['in another offset', '2024-11-05T11:30:00.000+02:00'],
    ['in a negative offset without a colon', '2024-11-05T04:30:00-0500'],
    ['with a lowercase z', '2024-11-05t09:30:00.000z'],
  ])('start with the current lastModified.date written %s is accepted', async (_how, date) => {
    const { sim } = await createEceSim();
    await startOk(sim, { body: withDate(date) });
  });

  test.each([
    ['one millisecond later', '2024-11-05T09:30:00.001Z'],
    ['the same wall time in another offset', '2024-11-05T09:30:00.000+01:00'],
    ['a date-only value', '2024-11-05'],
    ['text that is not a date', 'yesterday'],
  ])('start with a lastModified.date naming another instant (%s) answers 409', async (_how, date) => {
    const { sim } = await createEceSim();
    expect(await wsError(await start(sim, { body: withDate(date) }))).toMatchObject({
      status: 409,
      code: '409-101',
    });
  });

  test('sendmessage with the current lastModified.date in another offset is accepted', async () => {
    const { sim } = await createEceSim();
    const token = await getToken(sim);
    const conversation = await startOk(sim, { token });
    await settle(sim);
    const body = (date: string) => ({
      conversation: { id: conversation.id },
      type: { value: 'text/plain' },
      content: 'x',
      entryPointConfiguration: { lastModified: { date } },
    });
    expect((await sendMessage(sim, token, body('2024-11-05T10:30:00+01:00'))).status).toBe(200);
    expect(await wsError(await sendMessage(sim, token, body('2024-11-05T10:30:00Z')))).toMatchObject({
      status: 409,
      code: '409-101',
    });
  });

  test('an ISO-8601 date-time reads as its instant; anything else reads as no instant', () => {
    const instant = Date.parse('2024-11-05T09:30:00.000Z');
    expect(toInstant('2024-11-05T09:30:00.000Z')).toBe(instant);
    expect(toInstant('2024-11-05 09:30')).toBe(instant);
    expect(toInstant('2024-11-05T09:30:00.5Z')).toBe(instant + 500);
    expect(toInstant('2024-11-05T09:30:00.0005Z')).toBe(instant + 0.5);
    for (const text of [
      '',
      'd',
      '2024-11-05',
      '2024-02-30T00:00:00Z',
      '2024-11-05T24:00:00Z',
      '1730799000000',
    ])
      expect(toInstant(text), text).toBeNull();
    expect(isSameLastModified('d', 'd')).toBe(true);
    expect(isSameLastModified('2024-11-05T09:30:00.0005Z', '2024-11-05T09:30:00.000Z')).toBe(false);
  });
});
