// The web widget's event (Api::V1::Widget::EventsController#create, Chatwoot 4.12): opening the widget dispatches
// `webwidget.triggered`, which WebhookListener#webwidget_triggered sends as `webwidget_triggered`. No state changes.
import { getOwn } from '../../own.ts';
import type { ChatwootState } from './model.ts';
import { type Applied, listDestinations } from './model-outcomes.ts';

/** `webwidget_triggered` for a contact inbox: account webhooks subscribed to it (deliver_webhook_payloads). */
export function applyWidgetTriggered(
  s: ChatwootState,
  input: { contactInboxId: number; eventInfo: Record<string, unknown> },
): Applied<void> {
  const ci = getOwn(s.contactInboxes, String(input.contactInboxId))!;
  const inbox = getOwn(s.inboxes, String(ci.inbox_id))!;
  const destinations = listDestinations(s, inbox.account_id, 'webwidget_triggered', inbox.id);
  return {
    value: undefined,
    outcome: [
      {
        event: {
          type: 'webwidget_triggered',
          contactInboxId: ci.id,
          eventInfo: input.eventInfo,
          destinations,
          orderKey: `contact-${ci.contact_id}`,
        },
      },
    ],
  };
}
