// Seed 004's leave rules, for every order of leave calls in both APIs: "If the agent ends the interaction, you
// receive an AGENT_LEFT event notification. You need to prompt the conversation ending from your bot or
// integration by calling the customers leaves conversation API. This frees the agent ... You receive an AGENT_LEFT
// event." The exact sequences are listed in docs/providers/8x8.md ("Leave calls in every order").
import { describe, expect, test } from 'vitest';
import {
  createEightByEightSim,
  gatewayClient,
  getToken,
  setUpGatewayChannel,
  setUpV2Channel,
  v2Client,
} from './helpers.ts';

type Api = 'v2' | 'gateway';

/** One event as a short line: the type, and who joined or left, or the state. */
function toLine(event: Record<string, unknown>): string {
  const data = (event.data ?? {}) as Record<string, string>;
  if (event.eventType === 'MEMBERS_CHANGED') return `MEMBERS_CHANGED ${data.memberType} ${data.change}`;
  if (event.eventType === 'CONVERSATION_UPDATE') return `CONVERSATION_UPDATE ${data.state}`;
  return event.agentId ? `${event.eventType} ${event.agentId}` : String(event.eventType);
}

/** A conversation of `api` that agent-ana accepted, and the leave calls of both sides. */
async function setUp(api: Api) {
  const env = await createEightByEightSim();
  const client = api === 'v2' ? v2Client(env.sim, await getToken(env.sim)) : gatewayClient(env.sim);
  const channelId = api === 'v2' ? await setUpV2Channel(client) : await setUpGatewayChannel(client);
  const body = api === 'v2' ? { channelId, customer: { name: 'J' } } : { channelId, user: { name: 'J' } };
  const id = (await client('POST', '/conversations', body)).json.conversationId as string;
  await env.sim.control.advance('2s');
  await env.sim.control.idle();
  let seen = 0;
  /** The events sent since the last call of `newEvents`. */
  const newEvents = () => {
    const lines = env.events().slice(seen).map(toLine);
    seen = env.events().length;
    return lines;
  };
  const act = async (action: string, args: Record<string, unknown> = {}) => {
    await env.sim.control.act({ provider: '8x8', conversationId: id, action, args });
    await env.sim.control.idle();
  };
  const agentLeaves = () => act('agent.leave');
  const customerLeaves = async () => {
    const answer =
      api === 'v2'
        ? await client('DELETE', `/conversations/${id}/participants/customer`)
        : await client('PATCH', `/conversations/${id}/participants/user`, { removed: true });
    expect(answer.status).toBe(204);
    await env.sim.control.idle();
  };
  expect(newEvents()).toEqual(
    api === 'v2'
      ? ['QUEUED', 'AGENT_JOINED agent-ana']
      : [
          'CONVERSATION_UPDATE created',
          'CONVERSATION_UPDATE active',
          'QUEUED',
          'MEMBERS_CHANGED agent joined',
          'CONVERSATION_UPDATE active',
        ],
  );
  return { ...env, client, id, act, newEvents, agentLeaves, customerLeaves };
}

const NO_AGENT = { status: 409, message: expect.stringContaining('No agent is in conversation') };

describe('8x8 Chat API v2: leave calls in every order (seed 004)', () => {
  test('seed 004: after AGENT_LEFT, customer leaves frees the agent with a second AGENT_LEFT (agent then customer)', async () => {
    const { agentLeaves, customerLeaves, newEvents } = await setUp('v2');
    await agentLeaves();
    expect(newEvents()).toEqual(['AGENT_LEFT agent-ana']);
    await customerLeaves();
    expect(newEvents()).toEqual(['AGENT_LEFT agent-ana']);
  });

  test('seed 004: customer leaves frees the agent with AGENT_LEFT; the agent cannot leave after (customer then agent)', async () => {
    const { agentLeaves, customerLeaves, newEvents } = await setUp('v2');
    await customerLeaves();
    expect(newEvents()).toEqual(['AGENT_LEFT agent-ana']);
    await expect(agentLeaves()).rejects.toMatchObject(NO_AGENT);
    expect(newEvents()).toEqual([]);
  });

  test('seed 004: the agent ends the interaction once; a second agent leave is refused and sends nothing', async () => {
    const { agentLeaves, newEvents } = await setUp('v2');
    await agentLeaves();
    await expect(agentLeaves()).rejects.toMatchObject(NO_AGENT);
    expect(newEvents()).toEqual(['AGENT_LEFT agent-ana']);
  });

  test('seed 004: a second customer leaves answers 204 and sends nothing', async () => {
    const { customerLeaves, newEvents } = await setUp('v2');
    await customerLeaves();
    await customerLeaves();
    expect(newEvents()).toEqual(['AGENT_LEFT agent-ana']);
  });

  test('seed 004: once both left, leave calls change nothing (leave after complete)', async () => {
    const { agentLeaves, customerLeaves, newEvents, client, id } = await setUp('v2');
    await agentLeaves();
    await customerLeaves();
    newEvents();
    await customerLeaves();
    await expect(agentLeaves()).rejects.toMatchObject(NO_AGENT);
    expect(newEvents()).toEqual([]);
    const conversation = await client('GET', `/conversations/${id}`);
    expect(conversation.json.interactions).toHaveLength(1);
  });

  test('seed 004: a customer message after AGENT_LEFT continues the conversation; customer leaves then frees only the new agent', async () => {
    const { sim, act, agentLeaves, customerLeaves, newEvents } = await setUp('v2');
    await agentLeaves();
    await act('customer.say', { text: 'still there?' });
    await sim.control.advance('2s');
    await sim.control.idle();
    expect(newEvents()).toEqual(['AGENT_LEFT agent-ana', 'QUEUED', 'AGENT_JOINED agent-ana']);
    await customerLeaves();
    expect(newEvents()).toEqual(['AGENT_LEFT agent-ana']);
  });
});

describe('8x8 Chat Gateway: leave calls in every order', () => {
  test('after the agent left, the user leaving sends MEMBERS_CHANGED user left only (agent then user)', async () => {
    const { agentLeaves, customerLeaves, newEvents } = await setUp('gateway');
    await agentLeaves();
    expect(newEvents()).toEqual(['MEMBERS_CHANGED agent left', 'CONVERSATION_UPDATE idle']);
    await customerLeaves();
    expect(newEvents()).toEqual(['MEMBERS_CHANGED user left']);
  });

  test('the user leaving frees the agent: user left, agent left, idle; the agent cannot leave after (user then agent)', async () => {
    const { agentLeaves, customerLeaves, newEvents } = await setUp('gateway');
    await customerLeaves();
    expect(newEvents()).toEqual([
      'MEMBERS_CHANGED user left',
      'MEMBERS_CHANGED agent left',
      'CONVERSATION_UPDATE idle',
    ]);
    await expect(agentLeaves()).rejects.toMatchObject(NO_AGENT);
    expect(newEvents()).toEqual([]);
  });

  test('a second agent leave is refused and sends nothing', async () => {
    const { agentLeaves, newEvents } = await setUp('gateway');
    await agentLeaves();
    await expect(agentLeaves()).rejects.toMatchObject(NO_AGENT);
    expect(newEvents()).toEqual(['MEMBERS_CHANGED agent left', 'CONVERSATION_UPDATE idle']);
  });

  test('userparticipantleavecctransaction: a second user leave answers 204 and sends nothing', async () => {
    const { customerLeaves, newEvents } = await setUp('gateway');
    await customerLeaves();
    newEvents();
    await customerLeaves();
    expect(newEvents()).toEqual([]);
  });

  test('once both left, leave calls change nothing and the participants show both removed (leave after complete)', async () => {
    const { agentLeaves, customerLeaves, newEvents, client, id } = await setUp('gateway');
    await agentLeaves();
    await customerLeaves();
    newEvents();
    await customerLeaves();
    await expect(agentLeaves()).rejects.toMatchObject(NO_AGENT);
    expect(newEvents()).toEqual([]);
    const participants = await client('GET', `/conversations/${id}/participants`);
    expect(participants.json._embedded.participants).toEqual([
      { id: expect.any(String), removed: true, type: 'user', language: 'en' },
      { id: 'agent-ana', removed: true, type: 'agent', language: 'en' },
    ]);
  });
});
