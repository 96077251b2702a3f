// The ids 8x8 gives what it creates, drawn from the simulator's seeded randomness before a transition runs (so
// the transitions stay pure, and one seed draws the same ids in the same order).
import type { Api, Message, Random } from './model.ts';
import type { ConversationStart } from './model-conversations.ts';
import type { ConversationRequest, MessageInput } from './rules.ts';

/** A new interaction id in 8x8's shape: `int-<hex time>-<random>-chat-00-<tenant>`. */
export function makeInteractionId(random: Random, now: number, tenant: string): string {
  return `int-${now.toString(16)}-${random.id(25)}-chat-00-${tenant}`;
}

/** A reference id for error bodies (15 hex digits, like the documented `dacd0dd252723a2`). */
export function makeReferenceId(random: Random): string {
  return random.faker.string.hexadecimal({ length: 15, casing: 'lower', prefix: '' });
}

/** A message as stored, without its interaction (cards get ids; a bot writes as `bot`). */
export function makeMessage(
  random: Random,
  input: MessageInput,
  userParticipantId: string,
  now: number,
): Omit<Message, 'interactionId'> {
  return {
    id: random.id(22),
    authorType: input.authorType,
    participantId: input.authorType === 'bot' ? 'bot' : userParticipantId,
    text: input.text,
    createdAt: now,
    attachments: input.attachments,
    cards: input.cards.map((card) => ({
      id: random.id(22),
      contentType: card.contentType,
      content: card.content,
      actionSubmitted: false,
      actionExecuted: false,
    })),
    ...(input.externalProvider ? { externalProvider: input.externalProvider } : {}),
  };
}

/**
 * A conversation start with its ids: the conversation, the customer's participant id (unless the request names
 * one), the first interaction, then each history message.
 */
export function makeConversationStart(
  random: Random,
  request: ConversationRequest,
  context: { api: Api; tenant: string; now: number },
): ConversationStart {
  const id = random.id(22);
  const userParticipantId = request.participantId ?? random.id(22);
  const interactionId = makeInteractionId(random, context.now, context.tenant);
  return {
    id,
    api: context.api,
    channelId: request.channelId,
    customer: request.customer ?? {},
    user: request.user ?? {},
    ...(request.assignment ? { assignment: { ...request.assignment } } : {}),
    userParticipantId,
    language: request.language ?? 'en',
    interactionId,
    messages: request.history.map((m) => makeMessage(random, m, userParticipantId, context.now)),
  };
}
