import { z } from 'zod';
import type { ProviderAction } from '../../provider.ts';
import type { AirkitOptions } from './fixtures.ts';
import type { AirkitState } from './model.ts';
import { runCustomerMessage, runEnd, runThirdPartyMessage } from './operations.ts';

type Action = ProviderAction<AirkitState, AirkitOptions>;

/** End-user actions (the simulated web chat session or phone) and third-party stand-ins for scenarios. */
export const airkitActions: Record<string, Action> = {
  'customer.say': {
    description:
      'The end user replies in the chat web control or by SMS (message.created to the third party).',
    args: z.object({ text: z.string().min(1) }),
    run: (ctx, id, args) => ({ messageId: runCustomerMessage(ctx, id, (args as { text: string }).text).id }),
  },
  'customer.leave': {
    description: 'The end user leaves; the conversation ends (conversation.ended to the third party).',
    args: z.object({}),
    run: (ctx, id) => ({ status: runEnd(ctx, id, 'customer').status }),
  },
  'agent.say': {
    description: 'Stands in for the third-party system: sends a message to the end user.',
    args: z.object({ text: z.string().min(1) }),
    run: (ctx, id, args) => ({
      messageId: runThirdPartyMessage(ctx, id, (args as { text: string }).text).id,
    }),
  },
  'agent.complete': {
    description: 'Stands in for the third-party system: ends the conversation.',
    args: z.object({}),
    run: (ctx, id) => ({ status: runEnd(ctx, id, 'third-party').status }),
  },
};
