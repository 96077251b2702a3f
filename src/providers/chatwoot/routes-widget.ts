// Imitates the web widget's events endpoint (`POST /api/v1/widget/events`, Api::V1::Widget::EventsController,
// Chatwoot 4.12), which the widget calls when it opens (`name: "webwidget.triggered"`). Credentials: the inbox's
// `website_token` and the widget's `X-Auth-Token` (see rules-widget.ts for the simulator's token).
import { Hono } from 'hono';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import { applyWidgetTriggered } from './model-widget.ts';
import { ERROR_NOT_FOUND, refuseWith } from './render-errors.ts';
import { readParams, readQuery } from './routes.ts';
import { findWebWidget, findWidgetContactInbox, toWidgetEventInfo } from './rules-widget.ts';

/** The widget events route. */
export function createWidgetRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  app.post('/api/v1/widget/events', async (c) => {
    const params = await readParams(c);
    const body = { ...readQuery(c), ...params.body };
    const s = ctx.state();
    // set_web_widget, then set_contact: RecordNotFound (404) for an unknown website token or contact.
    const inbox = findWebWidget(s, body.website_token) ?? refuseWith(c, ERROR_NOT_FOUND);
    const ci =
      findWidgetContactInbox(s, inbox, c.req.header('x-auth-token')) ?? refuseWith(c, ERROR_NOT_FOUND);
    // The dispatcher takes any name; only webwidget.triggered has a webhook listener.
    if (body.name === 'webwidget.triggered') {
      const eventInfo = toWidgetEventInfo(body, c.req.header('accept-language'));
      perform(ctx, applyWidgetTriggered, { contactInboxId: ci.id, eventInfo });
    }
    return c.body(null, 204);
  });

  return app;
}
