// Seed 003 "Overview": assignment service, available agent, active callback URL (400 per "Any rules stated in Overview").
import { describe, expect, test } from 'vitest';
import {
  type ConversationBody,
  createEceSim,
  eceAdmin,
  settle,
  start,
  startBody,
  startOk,
  wsError,
} from './helpers.ts';

describe('start conversation preconditions', () => {
  test('start when the assignment service is not running answers 400', async () => {
    const { sim } = await createEceSim();
    await eceAdmin(sim, 'PUT', '/settings', { assignmentServiceRunning: false });
    expect(await wsError(await start(sim))).toMatchObject({ status: 400, code: '400-115' });
    await eceAdmin(sim, 'PUT', '/settings', { assignmentServiceRunning: true });
    expect((await start(sim)).status).toBe(200);
  });

  test('start when no agent is available for the entry point queue answers 400', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await start(sim, { body: startBody(undefined, 1003) }))).toMatchObject({
      status: 400,
      code: '400-116',
    });
  });

  test('an agent made available through the admin API lets start succeed on entry point 1003', async () => {
    const { sim, messages } = await createEceSim();
    await eceAdmin(sim, 'PUT', '/agents/3', { available: true });
    await startOk(sim, { body: startBody(undefined, 1003) });
    await settle(sim);
    expect(messages()[0]).toMatchObject({
      type: { value: 'assigned' },
      sender: { user: { screenName: 'Carol' } },
    });
  });

  test('a logged-out agent is not available', async () => {
    const { sim } = await createEceSim();
    await eceAdmin(sim, 'PUT', '/agents/1', { loggedIn: false });
    await eceAdmin(sim, 'PUT', '/agents/2', { loggedIn: false });
    expect(await wsError(await start(sim))).toMatchObject({ status: 400, code: '400-116' });
  });

  test('chats beyond the agents capacity wait in the queue and are assigned when an agent frees up', async () => {
    const { sim, messages } = await createEceSim();
    const started: ConversationBody[] = [];
    for (let i = 0; i < 5; i++) started.push(await startOk(sim));
    await settle(sim);
    expect(messages().filter((m) => m.type.value === 'assigned')).toHaveLength(4);
    const waiting = sim.control.conversations({ provider: 'ece' }).filter((c) => c.status === 'waiting');
    expect(waiting.map((c) => c.id)).toEqual([started[4]!.id]);
    await sim.control.act({ provider: 'ece', conversationId: started[0]!.id, action: 'agent.complete' });
    await settle(sim);
    const last = messages().filter((m) => (m.conversation as { id: string }).id === started[4]!.id);
    expect(last.map((m) => m.type.value)).toEqual(['assigned']);
  });

  test('start when the callback URL is deactivated answers 400 until it is reactivated through the admin API', async () => {
    const { sim } = await createEceSim();
    await eceAdmin(sim, 'PUT', '/client-applications/ece-chat-key/callback', { active: false });
    expect(await wsError(await start(sim))).toMatchObject({ status: 400, code: '400-117' });
    await eceAdmin(sim, 'PUT', '/client-applications/ece-chat-key/callback', { active: true });
    expect((await start(sim)).status).toBe(200);
  });

  test('start when the client application has no callback URL answers 400', async () => {
    const { sim } = await createEceSim({ providerOptions: {} });
    await eceAdmin(sim, 'PUT', '/client-applications/ece-chat-key/callback', { url: null });
    expect(await wsError(await start(sim))).toMatchObject({ status: 400, code: '400-117' });
  });
});
