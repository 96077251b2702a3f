// ECE batches callbacks (issue 16 item 1): a message waits while the request before it is in the dispatcher's
// hands, so a reorder fault on ECE holds the later messages with it instead of letting them overtake.
import { expect, test } from 'vitest';
import { ece } from './support/provider-receivers.ts';

const say = (rig: Awaited<ReturnType<typeof ece.setup>>, text: string) =>
  rig.sim.control.act({
    provider: 'ece',
    conversationId: rig.conversationId,
    action: 'agent.say',
    args: { text },
  });

const kinds = (rig: Awaited<ReturnType<typeof ece.setup>>) =>
  rig.receiver.requests.flatMap((request) =>
    (JSON.parse(request.body) as { message: { type: { value: string }; content?: string }[] }).message.map(
      (m) => `${m.type.value}${m.content === undefined ? '' : ` ${m.content}`}`,
    ),
  );

test('reorder on ECE holds the messages behind the held assigned callback until maxHold, then sends them in order', async () => {
  const rig = await ece.setup();
  rig.sim.control.addDeliveryFault({
    kind: 'reorder',
    conversationId: rig.conversationId,
    maxHold: '5s',
    times: 1,
  });
  await rig.sim.control.act({ provider: 'ece', conversationId: rig.conversationId, action: 'agent.join' });
  await say(rig, 'first');
  await say(rig, 'second');
  await rig.sim.control.idle();
  expect(rig.receiver.requests).toEqual([]);
  await rig.sim.control.advance('5s');
  await rig.sim.control.idle();
  expect(kinds(rig)).toEqual(['assigned Alice has joined the chat', 'text/plain first', 'text/plain second']);
});
