// The web widget's events endpoint and the webwidget_triggered webhook: app/controllers/api/v1/widget/
// events_controller.rb, app/listeners/webhook_listener.rb#webwidget_triggered, ContactInbox#webhook_data (Chatwoot
// 4.12). The widget token is the simulator's (docs/providers/chatwoot.md, "Widget events").
import { describe, expect, test } from 'vitest';
import type { ChatwootState } from '../../../src/providers/chatwoot/model.ts';
import { createWidgetToken } from '../../../src/providers/chatwoot/rules-widget.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { call, createHookedSim, type Json } from './helpers.ts';

/** A contact inbox of contact 1 in the website inbox (2) and a widget token for it. */
async function createVisitor(sim: Simulator): Promise<string> {
  await call(sim, 'POST', '/1/contacts/1/contact_inboxes', { inbox_id: 2, source_id: 'web-1' });
  const secret = (sim.control.state('chatwoot') as ChatwootState).inboxes['2']!.secret;
  return createWidgetToken({ source_id: 'web-1', inbox_id: 2 }, secret);
}

function postEvent(sim: Simulator, token: string, body: Json, websiteToken = 'token-2') {
  return sim.app.request(`/api/v1/widget/events?website_token=${websiteToken}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-auth-token': token,
      'accept-language': 'de-DE,de;q=0.9',
    },
    body: JSON.stringify(body),
  });
}

describe('chatwoot widget events', () => {
  test('opening the widget sends webwidget_triggered with the contact inbox webhook data and event info', async () => {
    const { sim, bodies } = await createHookedSim();
    const token = await createVisitor(sim);
    const res = await postEvent(sim, token, {
      name: 'webwidget.triggered',
      locale: 'de',
      event_info: { initiated_at: { timestamp: 'x' }, referer: 'https://shop.test/' },
    });
    expect(res.status).toBe(204);
    await sim.control.idle();
    const [event] = bodies('webwidget_triggered');
    expect(event).toEqual({
      id: expect.any(Number),
      contact: expect.objectContaining({
        id: 1,
        name: 'Jane Customer',
        account: { id: 1, name: 'Acme Inc' },
      }),
      inbox: { id: 2, name: 'Website' },
      account: { id: 1, name: 'Acme Inc' },
      current_conversation: null,
      source_id: 'web-1',
      event: 'webwidget_triggered',
      event_info: {
        initiated_at: { timestamp: 'x' },
        referer: 'https://shop.test/',
        widget_language: 'de',
        browser_language: 'de',
        browser: {
          browser_name: 'Unknown Browser',
          browser_version: '0.0',
          device_name: 'Unknown',
          platform_name: 'Unknown',
          platform_version: '0',
        },
      },
    });
  });

  test('current_conversation is the contact inbox last conversation', async () => {
    const { sim, bodies } = await createHookedSim();
    const token = await createVisitor(sim);
    await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1, source_id: 'web-1' });
    await postEvent(sim, token, { name: 'webwidget.triggered' });
    await sim.control.idle();
    expect(bodies('webwidget_triggered')[0].current_conversation).toMatchObject({ id: 1, inbox_id: 2 });
  });

  test('an unknown website token, an API inbox token or a bad widget token answers 404 and sends nothing', async () => {
    const { sim, bodies } = await createHookedSim();
    const token = await createVisitor(sim);
    const miss = { error: 'Resource could not be found' };
    for (const [t, site] of [
      [token, 'token-9'],
      [token, 'token-1'],
      [token, 'constructor'],
      [`${token}x`, 'token-2'],
      [createWidgetToken({ source_id: 'web-1', inbox_id: 2 }, 'wrong'), 'token-2'],
      [createWidgetToken({ source_id: 'nobody', inbox_id: 2 }, 'x'), 'token-2'],
      ['', 'token-2'],
    ] as const) {
      const res = await postEvent(sim, t, { name: 'webwidget.triggered' }, site);
      expect([res.status, await res.json()]).toEqual([404, miss]);
    }
    await sim.control.idle();
    expect(bodies('webwidget_triggered')).toEqual([]);
  });

  test('another event name answers 204 and sends no webhook', async () => {
    const { sim, bodies } = await createHookedSim();
    const token = await createVisitor(sim);
    expect((await postEvent(sim, token, { name: 'something.else' })).status).toBe(204);
    await sim.control.idle();
    expect(bodies()).toEqual([]);
  });

  test('only webhooks subscribed to webwidget_triggered receive it', async () => {
    const { sim, bodies } = await createHookedSim({ subscriptions: ['message_created'] });
    const token = await createVisitor(sim);
    await postEvent(sim, token, { name: 'webwidget.triggered' });
    await sim.control.idle();
    expect(bodies()).toEqual([]);
  });
});
