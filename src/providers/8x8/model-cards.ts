// Transitions of Gateway adaptive cards (pure: drafts in, outcomes out). Source: OAS GW updatecardactionsubmit and
// updatecardactionexecute ("Updates the adaptive card action submit/execute flag and sends the activity
// notification"), AdaptiveCards (`actionSubmitted`: "submitted by the user", `actionExecuted`: "executed by the
// agent"); the notification is the events reference's ACTIVITY `adaptiveCard/action` (reference/providers.md 1.2).
import { toEcho } from '../../echo.ts';
import { type EightByEightState, findCard, type Outcome } from './model.ts';
import { changeConversation } from './model-indexes.ts';

/** What a card action route asks for: submit (the user) or execute (the agent), with the submitted data. */
export type CardAction = { type: 'Action.Submit' | 'Action.Execute'; data: Record<string, unknown> };

/** Sets the card's flag and sends ACTIVITY adaptiveCard/action (again on every call: 8x8 documents no conflict). */
export function applyCardAction(
  draft: EightByEightState,
  conversationId: string,
  cardId: string,
  action: CardAction,
): Outcome {
  return changeConversation(draft, conversationId, (conversation) => {
    const card = findCard(conversation, cardId);
    if (!card) throw new Error(`Card ${toEcho(cardId)} was not found.`);
    if (action.type === 'Action.Submit') card.actionSubmitted = true;
    else card.actionExecuted = true;
    return {
      happenings: [{ kind: 'card-action', type: action.type, data: action.data }],
      signal: 'conversation.updated',
    };
  });
}
