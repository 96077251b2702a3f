// Pure validation of the Gateway card action bodies (OAS GW AdaptiveCardActionSubmitPayload and
// AdaptiveCardActionExecutePayload: an object with an optional string `name`).
import { ok } from '../../provider/index.ts';
import type { Card } from './model.ts';
import type { CardAction } from './model-cards.ts';
import { issue, type Parsed, parseObject, Reader } from './rules.ts';

/** The content type whose actions can be submitted or executed. */
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/**
 * A card action body: a JSON object whose `name`, when given, is a string. The whole object is the submitted data
 * (simulator choice: the OAS defines only `name`; the events reference's `data` holds "the submitted values").
 */
export function parseCardAction(body: unknown, type: CardAction['type']): Parsed<CardAction> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  r.string('name');
  return r.done({ type, data: object.value });
}

/** Only an adaptive card has actions (simulator choice: quick replies and the CPaaS cards answer 400). */
export function isActionableCard(card: Card): Parsed<Card> {
  if (card.contentType === ADAPTIVE_CARD) return ok(card);
  return {
    ok: false,
    error: [
      issue(
        'cardId',
        card.id,
        `Card ${card.id} is not an adaptive card (${card.contentType}).`,
        'invalid_card',
      ),
    ],
  };
}
