// The inspector driven in a real browser (headless Chromium): live conversations, the timeline with webhook
// attempts, playing the agent, and faults, against a simulator on 127.0.0.1 and a local webhook receiver.
import { afterEach, describe, expect, test } from 'vitest';
import { eceProvider } from '../../src/providers/ece/index.ts';
import { scenarioExtension } from '../../src/scenarios/index.ts';
import type { Simulator } from '../../src/simulator.ts';
import {
  openInspector,
  pageErrors,
  skipReason,
  startReceiver,
  startSimulator,
  useBrowser,
} from './support.ts';

const BASE = '/system/ws/v19/clientapplications';
const SCREENSHOTS = process.env.INSPECTOR_SCREENSHOTS;

async function startEce(receiverUrl: string) {
  return startSimulator({
    providers: [eceProvider],
    extensions: [scenarioExtension()],
    defaultFixtures: true,
    fixtures: {},
    providerOptions: { ece: { callbackUrl: receiverUrl } },
  });
}

/** What the system under test does: a token, then a conversation start, over HTTP. */
async function startConversation(sim: Simulator): Promise<string> {
  const basic = Buffer.from('ece-chat-key:ece-chat-secret').toString('base64');
  const token = await fetch(`${sim.url}${BASE}/authentication/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token } = (await token.json()) as { access_token: string };
  const res = await fetch(`${sim.url}${BASE}/messaging/conversation/start?anonymousCustomer=yes`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${access_token}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({
      entryPointConfiguration: {
        entryPoint: { id: 1001 },
        lastModified: { date: '2024-11-05T09:30:00.000Z' },
      },
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

// Without any Chromium the browser tests are skipped, and the skipped test's title says how to install one.
if (skipReason !== null) {
  console.warn(`convosim: ${skipReason}`);
  test.skip(skipReason, () => {});
}

describe.skipIf(skipReason !== null)('the inspector in a browser', () => {
  const browser = useBrowser();
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    expect(pageErrors.splice(0), 'uncaught errors in the page').toEqual([]);
  });

  test('a conversation started through a provider API appears live in the list', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const sim = await startEce(receiver.url);
    const page = await openInspector(browser(), sim);
    cleanups.push(() => page.close());
    await page.locator('table.conversations tr.empty', { hasText: 'No conversations yet.' }).waitFor();
    const id = await startConversation(sim);
    const row = page.locator(`tr[data-key="ece:${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('entry point 1001');
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/list.png` });
  });

  test('the timeline shows the start request and every attempt of a retried webhook, with status and latency', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    receiver.answerWith(500);
    const sim = await startEce(receiver.url);
    const page = await openInspector(browser(), sim);
    cleanups.push(() => page.close());
    const id = await startConversation(sim);
    await page.click(`tr[data-key="ece:${id}"] a`);
    await page
      .locator('li[data-kind="request"]', {
        hasText: 'POST /system/ws/v19/clientapplications/messaging/conversation/start',
      })
      .waitFor();
    // Assignment after 1 s: the callback's first attempt gets 500; its retry 1 s later gets 200.
    await page.click('button[data-advance="1s"]');
    const delivery = page.locator('li[data-kind="delivery"]').first();
    await delivery.locator('.attempts', { hasText: '1 attempt' }).waitFor();
    await page.click('button[data-advance="1s"]');
    await delivery.locator('.attempts', { hasText: '2 attempts' }).waitFor();
    await delivery.locator('summary').click();
    const attempts = delivery.locator('section.attempt');
    expect(await attempts.count()).toBe(2);
    expect(await attempts.nth(0).locator('h4').textContent()).toMatch(/^Attempt 1 at .*500/);
    expect(await attempts.nth(1).locator('h4').textContent()).toMatch(/^Attempt 2 at .*200 \d+ ms/);
    expect(await attempts.nth(1).locator('pre.body').first().textContent()).toContain('"conversation"');
    expect(receiver.received).toHaveLength(2);
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/timeline.png`, fullPage: true });
  });

  test('playing agent.say from its form delivers the callback to the receiver and shows the action', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const sim = await startEce(receiver.url);
    const id = await startConversation(sim);
    await sim.control.advance('1s');
    const page = await openInspector(browser(), sim, `#/conversations/ece/${id}`);
    cleanups.push(() => page.close());
    await page.selectOption('#play-action', 'agent.say');
    const form = page.locator('form.play-form[data-action="agent.say"]');
    await form.locator('input[name="text"]').fill('Hello from the inspector');
    await form.locator('button[type="submit"]').click();
    const callback = await receiver.nextContaining('Hello from the inspector');
    expect(JSON.parse(callback.body).message[0]).toMatchObject({
      conversation: { id },
      content: 'Hello from the inspector',
    });
    await page.locator('.result.ok', { hasText: 'agent.say done' }).waitFor();
    await page.locator('li[data-kind="action"]', { hasText: 'Hello from the inspector' }).waitFor();
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/inspector.png` });
  });

  test('a fault added in the UI changes the next answer of the provider', async () => {
    const sim = await startEce('http://127.0.0.1:9/unused');
    const page = await openInspector(browser(), sim, '#/faults');
    cleanups.push(() => page.close());
    const form = page.locator('form.fault-form');
    await form.locator('select[name="provider"]').selectOption('ece');
    await form.locator('input[name="path"]').fill('**/oauth2/token');
    await form.locator('input[name="status"]').fill('503');
    await form.locator('input[name="times"]').fill('1');
    await form.locator('button[type="submit"]').click();
    await page.locator('tr[data-fault]', { hasText: '**/oauth2/token' }).waitFor();
    const token = () =>
      fetch(`${sim.url}${BASE}/authentication/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('ece-chat-key:ece-chat-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
    expect((await token()).status).toBe(503);
    expect((await token()).status).toBe(200);
    await page.locator('tr.empty', { hasText: 'No faults.' }).waitFor();
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/faults.png` });
  });

  test('the request journal shows an unmatched request with its explanation', async () => {
    const sim = await startEce('http://127.0.0.1:9/unused');
    await fetch(`${sim.url}${BASE}/messaging/no-such-thing`);
    const page = await openInspector(browser(), sim, '#/journal');
    cleanups.push(() => page.close());
    await page.check('input[name="unmatched"]');
    const item = page.locator('li.unmatched', { hasText: '/messaging/no-such-thing' });
    await item.locator('summary').click();
    const note = await item.locator('.note').textContent();
    expect(note).toMatch(/no-such-thing|No route|nearest/i);
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/journal.png` });
  });

  test('a store of 1,000 conversations renders one page of 50 rows at a time, with paging and a state filter', async () => {
    const sim = await startSimulator();
    const headers = { authorization: 'Bearer good-token', 'content-type': 'application/json' };
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const res = await sim.app.request('/echo/v1/conversations', {
        method: 'POST',
        headers,
        body: JSON.stringify({ text: `hi ${i}` }),
      });
      ids.push(((await res.json()) as { id: string }).id);
    }
    await sim.control.act({ provider: 'echo', conversationId: ids[999]!, action: 'agent.complete' });
    expect(sim.control.conversations({ limit: 2000 })).toHaveLength(1000);
    const page = await openInspector(browser(), sim);
    cleanups.push(() => page.close());
    const rows = page.locator('table.conversations tbody tr');
    await page.locator('.pager-text', { hasText: 'page 1 · rows 1–50' }).waitFor();
    expect(await rows.count()).toBe(50);
    await page.click('button[name="next"]');
    await page.locator('.pager-text', { hasText: 'page 2 · rows 51–100' }).waitFor();
    expect(await rows.count()).toBe(50);
    await page.click('button[name="previous"]');
    await page.locator('.pager-text', { hasText: 'page 1 · rows 1–50' }).waitFor();
    await page.fill('input[name="status"]', 'closed');
    await page.press('input[name="status"]', 'Enter');
    await page.locator('.pager-text', { hasText: 'page 1 · rows 1–1' }).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await page.locator(`tr[data-key="echo:${ids[999]}"]`).count()).toBe(1);
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/thousand.png` });
  });

  test('a scenario run from the Scenarios tab shows its step reports as the clock buttons move it on', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const sim = await startEce(receiver.url);
    const page = await openInspector(browser(), sim, '#/scenarios');
    cleanups.push(() => page.close());
    await page.locator('.runs', { hasText: 'No scenario runs yet.' }).waitFor();
    await page.fill(
      'textarea[name="source"]',
      [
        'name: greet',
        'provider: ece',
        'steps:',
        '  - expect.delivery: { type: assigned, state: delivered, within: 10s }',
        '  - agent.say: Hello from a scenario',
      ].join('\n'),
    );
    await page.click('form.scenario-form button[type="submit"]');
    const run = page.locator('details.run', { hasText: 'greet' });
    await run.locator('.badge', { hasText: 'waiting' }).waitFor();
    await startConversation(sim);
    await page.click('button[data-advance="1s"]');
    await run.locator('.badge', { hasText: 'passed' }).waitFor();
    await receiver.nextContaining('Hello from a scenario');
    await run.locator('summary').click();
    const steps = run.locator('table.steps tbody tr');
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(1).textContent()).toContain('passed');
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/scenarios.png` });
  });
});
