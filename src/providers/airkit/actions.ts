import { defineNeutralAction, type Result } from '../../provider/index.ts';
import {
  type AirkitContext,
  performCustomerMessage,
  performEnd,
  performThirdPartyMessage,
} from './effects.ts';
import type { AirkitFailure } from './render-errors.ts';

/** The value of a result; a failure is thrown, and the control API answers it as a failed action (409). */
function toValueOrThrow<T>(result: Result<T, AirkitFailure>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/**
 * End-user actions (the simulated web chat session or phone) and third-party stand-ins for scenarios. The core adds
 * raw.event (from the provider's webhookTargets).
 */
export const airkitActions = {
  'customer.say': defineNeutralAction(
    'customer.say',
    'The end user replies in the chat web control or by SMS (message.created to the third party). args: {text}',
    (ctx: AirkitContext, id, args) => ({
      messageId: toValueOrThrow(performCustomerMessage(ctx, id, args.text)).id,
    }),
  ),
  'customer.leave': defineNeutralAction(
    'customer.leave',
    'The end user leaves; the conversation ends (conversation.ended to the third party).',
    (ctx: AirkitContext, id) => ({ status: toValueOrThrow(performEnd(ctx, id, 'customer')).status }),
  ),
  'agent.say': defineNeutralAction(
    'agent.say',
    'Stands in for the third-party system: sends a message to the end user. args: {text}',
    (ctx: AirkitContext, id, args) => ({
      messageId: toValueOrThrow(performThirdPartyMessage(ctx, id, args.text)).id,
    }),
  ),
  'agent.complete': defineNeutralAction(
    'agent.complete',
    'Stands in for the third-party system: ends the conversation.',
    (ctx: AirkitContext, id) => ({ status: toValueOrThrow(performEnd(ctx, id, 'third-party')).status }),
  ),
};
