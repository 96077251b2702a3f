// The Gateway post-agent assignment (OAS GW createpostagentassignment): after the agent finishes, the conversation
// is handed to a bot's web-hook, until the user leaves, `userTimeoutInMinutes` after the bot's last message, or
// `maxTotalMinutes` after the hand-over. Routing of the events is a simulator choice (docs/providers/8x8.md).
import { describe, expect, test } from 'vitest';
import { createEightByEightSim, gatewayClient, HOOK_URL, setUpGatewayChannel } from './helpers.ts';

const BOT_URL = 'http://bot.test/survey';

/** One event as a short line. */
function toLine(body: Record<string, unknown>): string {
  const data = (body.data ?? {}) as Record<string, unknown>;
  if (body.eventType === 'MEMBERS_CHANGED') return `MEMBERS_CHANGED ${data.memberType} ${data.change}`;
  if (body.eventType === 'CONVERSATION_UPDATE') {
    const assignment = data.assignment as { type: string };
    return `CONVERSATION_UPDATE ${data.state} ${assignment.type}`;
  }
  if (body.eventType === 'MESSAGE') {
    const sender = data.sender as { type: string };
    return `MESSAGE ${sender.type}${data.isEcho ? ' echo' : ''}: ${data.text}`;
  }
  return String(body.eventType);
}

async function setUp(configuration: Record<string, unknown> = {}) {
  const env = await createEightByEightSim();
  const api = gatewayClient(env.sim);
  const channelId = await setUpGatewayChannel(api);
  const bot = await api('POST', '/webhooks', { name: 'survey', uri: BOT_URL, version: 'Chat Gateway v1.0' });
  const botHookId = bot.json.id as string;
  const id = (await api('POST', '/conversations', { channelId, user: { name: 'J' } })).json.conversationId;
  await env.sim.control.advance('2s');
  const assigned = await api('POST', `/conversations/${id}/post-agent-assignment`, {
    type: 'webhook',
    id: botHookId,
    configuration,
  });
  expect(assigned.status).toBe(201);
  expect(assigned.text).toBe('');
  await env.sim.control.idle();
  const seen: Record<string, number> = { [HOOK_URL]: 0, [BOT_URL]: 0 };
  /** The events one receiver got since the last call for it. */
  const newEvents = (url: string) => {
    const all = env.sent.filter((s) => s.url === url).map((s) => toLine(JSON.parse(s.body)));
    const fresh = all.slice(seen[url] ?? 0);
    seen[url] = all.length;
    return fresh;
  };
  newEvents(HOOK_URL);
  const say = async (authorType: 'user' | 'bot', text: string) => {
    expect((await api('POST', `/conversations/${id}/messages`, { authorType, text })).status).toBe(202);
    await env.sim.control.idle();
  };
  const agentLeaves = async () => {
    await env.sim.control.act({ provider: '8x8', conversationId: id, action: 'agent.leave' });
    await env.sim.control.idle();
  };
  const advanceBy = async (duration: string) => {
    await env.sim.control.advance(duration);
    await env.sim.control.idle();
  };
  return { ...env, api, id, botHookId, newEvents, say, agentLeaves, advanceBy };
}

describe('8x8 Gateway post-agent assignment', () => {
  test('createpostagentassignment: when the agent leaves, the bot web-hook gets the conversation, its user messages and echoes', async () => {
    const { api, id, botHookId, newEvents, say, agentLeaves } = await setUp();
    expect(newEvents(BOT_URL)).toEqual([]);
    await agentLeaves();
    expect(newEvents(HOOK_URL)).toEqual(['MEMBERS_CHANGED agent left']);
    expect(newEvents(BOT_URL)).toEqual(['CONVERSATION_UPDATE active webhook']);
    const conversation = await api('GET', `/conversations/${id}`);
    expect(conversation.json).toMatchObject({
      state: 'active',
      assignment: { type: 'webhook', id: botHookId },
    });
    await say('bot', 'How did we do?');
    await say('user', 'Great');
    expect(newEvents(BOT_URL)).toEqual(['MESSAGE bot echo: How did we do?', 'MESSAGE user: Great']);
    expect(newEvents(HOOK_URL)).toEqual([]);
    const interactions = await api('GET', `/conversations/${id}/interactions`);
    expect(interactions.json._embedded.interactions).toHaveLength(1);
  });

  test('the phase ends userTimeoutInMinutes after an unanswered bot message: idle, and the next user message is queued again', async () => {
    const { newEvents, say, agentLeaves, advanceBy } = await setUp({ userTimeoutInMinutes: 10 });
    await agentLeaves();
    newEvents(BOT_URL);
    await say('bot', 'Anything else?');
    await advanceBy('9m');
    await say('user', 'No');
    await say('bot', 'Bye?');
    await advanceBy('9m');
    expect(newEvents(BOT_URL)).toEqual([
      'MESSAGE bot echo: Anything else?',
      'MESSAGE user: No',
      'MESSAGE bot echo: Bye?',
    ]);
    await advanceBy('1m');
    expect(newEvents(BOT_URL)).toEqual(['CONVERSATION_UPDATE idle queue']);
    newEvents(HOOK_URL);
    await say('user', 'Actually, one more thing');
    expect(newEvents(HOOK_URL)).toEqual(['CONVERSATION_UPDATE active queue', 'QUEUED']);
    expect(newEvents(BOT_URL)).toEqual([]);
  });

  test('the phase ends maxTotalMinutes after the hand-over, whatever the user does', async () => {
    const { newEvents, say, agentLeaves, advanceBy } = await setUp({
      maxTotalMinutes: 20,
      userTimeoutInMinutes: 10,
    });
    await agentLeaves();
    newEvents(BOT_URL);
    for (let i = 0; i < 3; i++) {
      await say('bot', `q${i}`);
      await advanceBy('6m');
      await say('user', `a${i}`);
    }
    expect(newEvents(BOT_URL)).toContain('MESSAGE user: a2');
    await advanceBy('2m');
    expect(newEvents(BOT_URL)).toEqual(['CONVERSATION_UPDATE idle queue']);
  });

  test('with notifyChannelWebhookIfExists "true" the channel web-hook gets the phase events too', async () => {
    const { newEvents, say, agentLeaves } = await setUp({ notifyChannelWebhookIfExists: 'true' });
    await agentLeaves();
    await say('user', 'hi');
    expect(newEvents(HOOK_URL)).toEqual([
      'MEMBERS_CHANGED agent left',
      'CONVERSATION_UPDATE active webhook',
      'MESSAGE user: hi',
    ]);
    expect(newEvents(BOT_URL)).toEqual(['CONVERSATION_UPDATE active webhook', 'MESSAGE user: hi']);
  });

  test('the user leaving ends the phase: user left and idle go to the bot web-hook', async () => {
    const { sim, api, id, newEvents, agentLeaves } = await setUp();
    await agentLeaves();
    newEvents(BOT_URL);
    expect(newEvents(HOOK_URL)).toEqual(['MEMBERS_CHANGED agent left']);
    expect((await api('PATCH', `/conversations/${id}/participants/user`, { removed: true })).status).toBe(
      204,
    );
    await sim.control.idle();
    expect(newEvents(BOT_URL)).toEqual(['MEMBERS_CHANGED user left', 'CONVERSATION_UPDATE idle queue']);
    expect(newEvents(HOOK_URL)).toEqual([]);
  });

  test('createpostagentassignment refuses a bad body (400 InvalidParameterExceptionPayload) and an unknown conversation (404), storing nothing', async () => {
    const { sim, sent } = await createEightByEightSim();
    const api = gatewayClient(sim);
    const channelId = await setUpGatewayChannel(api);
    const bot = await api('POST', '/webhooks', {
      name: 'survey',
      uri: BOT_URL,
      version: 'Chat Gateway v1.0',
    });
    const botHookId = bot.json.id as string;
    const id = (await api('POST', '/conversations', { channelId, user: { name: 'K' } })).json.conversationId;
    const bad = [
      { id: botHookId },
      { type: 'queue', id: botHookId },
      { type: 'webhook' },
      { type: 'webhook', id: 'nope' },
      { type: 'webhook', id: botHookId, configuration: { maxTotalMinutes: 19 } },
      { type: 'webhook', id: botHookId, configuration: { userTimeoutInMinutes: 301 } },
      { type: 'webhook', id: botHookId, configuration: { notifyChannelWebhookIfExists: true } },
      { type: 'webhook', id: botHookId, configuration: [] },
    ];
    for (const body of bad) {
      const answer = await api('POST', `/conversations/${id}/post-agent-assignment`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.errors[0].code).toBe('invalid_parameter');
    }
    for (const unknown of ['nope', 'constructor']) {
      const path = `/conversations/${unknown}/post-agent-assignment`;
      const answer = await api('POST', path, { type: 'webhook', id: botHookId });
      expect(answer.status).toBe(404);
      expect(answer.json.errors[0].code).toBe('resource_not_found');
    }
    await sim.control.advance('2s');
    await sim.control.act({ provider: '8x8', conversationId: id, action: 'agent.leave' });
    await sim.control.idle();
    const conversation = await api('GET', `/conversations/${id}`);
    expect(conversation.json).toMatchObject({ state: 'idle', assignment: { type: 'queue' } });
    expect(sent.filter((s) => s.url === BOT_URL)).toEqual([]);
  });
});
