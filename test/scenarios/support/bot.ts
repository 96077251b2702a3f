import type { OutboundRequest, Sender } from '../../../src/dispatcher.ts';
import type { Simulator } from '../../../src/simulator.ts';

/** What the test bot does with a webhook: the calls it makes back, and the status it answers with. */
export type BotBehaviour = (event: { type: string; conversationId: string; text?: string }) => {
  calls?: { path: string; body?: unknown }[];
  status?: number;
};

/** The default bot: greets when an agent joins, echoes customer messages, ends on 'bye'. */
export const echoBot: BotBehaviour = (event) => {
  const base = `/chat/v1/conversations/${event.conversationId}`;
  if (event.type === 'agent.joined')
    return { calls: [{ path: `${base}/messages`, body: { text: 'Hello agent' } }] };
  if (event.type === 'customer.message' && event.text === 'bye') return { calls: [{ path: `${base}/end` }] };
  if (event.type === 'customer.message')
    return { calls: [{ path: `${base}/messages`, body: { text: `You said: ${event.text}` } }] };
  return {};
};

/**
 * An in-process system under test: a webhook sender that hands each event to a bot, which calls the
 * simulator back before it answers (so that the virtual clock and idle() cover its work).
 */
export function createBot(behaviour: BotBehaviour = echoBot) {
  let sim: Simulator | null = null;
  const received: OutboundRequest[] = [];
  const send: Sender = async (request) => {
    received.push(request);
    const event = JSON.parse(request.body) as { type: string; conversationId: string; text?: string };
    const { calls = [], status = 200 } = behaviour(event);
    for (const call of calls) {
      await sim!.app.request(call.path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(call.body ?? {}),
      });
    }
    return { status, body: '' };
  };
  return {
    send,
    received,
    attach(target: Simulator) {
      sim = target;
    },
  };
}
