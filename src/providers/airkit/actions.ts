import type { z } from 'zod';
import { getOwn } from '../../own.ts';
import { neutralArgs, type ProviderAction } from '../../provider/index.ts';
import { runCustomerMessage, runEnd, runThirdPartyMessage } from './effects.ts';
import type { AirkitOptions } from './fixtures.ts';
import { type AirkitState, getConversation } from './model.ts';
import { toQuoted } from './render-errors.ts';

type Action = ProviderAction<AirkitState, AirkitOptions>;

const textArgs = neutralArgs.text;
const none = neutralArgs.none;

const rawEventArgs = neutralArgs.rawEvent;

/** End-user actions (the simulated web chat session or phone) and third-party stand-ins for scenarios. */
export const airkitActions: Record<string, Action> = {
  'customer.say': {
    description:
      'The end user replies in the chat web control or by SMS (message.created to the third party). args: {text}',
    args: textArgs,
    run: (ctx, id, args) => ({ messageId: runCustomerMessage(ctx, id, (args as { text: string }).text).id }),
  },
  'customer.leave': {
    description: 'The end user leaves; the conversation ends (conversation.ended to the third party).',
    args: none,
    run: (ctx, id) => ({ status: runEnd(ctx, id, 'customer').status }),
  },
  'agent.say': {
    description: 'Stands in for the third-party system: sends a message to the end user. args: {text}',
    args: textArgs,
    run: (ctx, id, args) => ({
      messageId: runThirdPartyMessage(ctx, id, (args as { text: string }).text).id,
    }),
  },
  'agent.complete': {
    description: 'Stands in for the third-party system: ends the conversation.',
    args: none,
    run: (ctx, id) => ({ status: runEnd(ctx, id, 'third-party').status }),
  },
  'raw.event': {
    description:
      "Posts args.body as is (a string verbatim, anything else as JSON) to the conversation's resource webhook, " +
      'signed like every Airkit webhook (X-Airkit-Event-Id: the body eventId when it has one), with args.type as ' +
      'the delivery type and args.headers added. Bypasses every rule. args: {type, body, headers?}',
    args: rawEventArgs,
    run: (ctx, id, raw) => {
      const args = raw as z.output<typeof rawEventArgs>;
      const state = ctx.state();
      const conv = getConversation(state, id);
      if (!conv) throw new Error(`No conversation ${toQuoted(id)}`);
      // Only third-party managed conversations notify a third-party system at all.
      if (!conv.managedByThirdPartySystem) {
        throw new Error(
          `Conversation ${toQuoted(id)} is not managed by a third-party system, so no webhook receives its events`,
        );
      }
      const resource = getOwn(state.resources, conv.resourceId);
      if (!resource?.webhookUrl)
        throw new Error(`Resource ${toQuoted(conv.resourceId)} of ${toQuoted(id)} has no webhookUrl`);
      const bodyEventId = (args.body as { eventId?: unknown } | null)?.eventId;
      const eventId = ctx.emit({
        type: args.type,
        url: resource.webhookUrl,
        orderKey: id,
        conversationId: id,
        body: args.body,
        contentType: 'application/json',
        ...(args.headers ? { headers: args.headers } : {}),
        meta: {
          secret: resource.secret,
          eventId: typeof bodyEventId === 'string' ? bodyEventId : ctx.random.uuid(),
          raw: true,
        },
      });
      return { eventId };
    },
  },
};
