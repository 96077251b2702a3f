// Makes docs/images/inspector.png: a simulator with the default providers, a few conversations (ECE and 8x8, whose
// webhooks are JWS-signed) delivered to a local receiver, and the inspector on an 8x8 conversation with its first
// webhook expanded. Run: npx tsx test/inspector/screenshot.ts [path]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { createSimulator } from '../../src/index.ts';
import { chromiumPath, FLAGS, startReceiver } from './chromium.ts';

const out = process.argv[2] ?? 'docs/images/inspector.png';
if (chromiumPath === null) throw new Error('no Chromium: apt-get install chromium');
const receiver = await startReceiver();
const sim = await createSimulator({
  store: 'memory',
  clock: 'virtual',
  seed: 7,
  providerOptions: { ece: { callbackUrl: `${receiver.url}/ece` } },
  logger: () => {},
});
await sim.listen(0, '127.0.0.1');
const profile = mkdtempSync(path.join(tmpdir(), 'convosim-shot-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  args: FLAGS,
  viewport: { width: 1440, height: 900 },
});
try {
  const page = await browser.newPage();
  await page.goto(`${sim.url}/__inspector`);
  await page.locator('#status[data-status="live"]').waitFor();

  const call = async (method: string, url: string, headers: Record<string, string>, body?: string) => {
    const res = await fetch(`${sim.url}${url}`, { method, headers, body });
    const text = await res.text();
    return text === '' ? {} : JSON.parse(text);
  };
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  // Cisco ECE: a token, then three chats on entry point 1001.
  const ece = '/system/ws/v19/clientapplications';
  const basic = `Basic ${Buffer.from('ece-chat-key:ece-chat-secret').toString('base64')}`;
  const { access_token: eceToken } = await call(
    'POST',
    `${ece}/authentication/oauth2/token`,
    { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    'grant_type=client_credentials',
  );
  const start = JSON.stringify({
    entryPointConfiguration: { entryPoint: { id: 1001 }, lastModified: { date: '2024-11-05T09:30:00.000Z' } },
  });
  for (let i = 0; i < 3; i++) {
    await call(
      'POST',
      `${ece}/messaging/conversation/start?anonymousCustomer=yes`,
      { ...json, authorization: `Bearer ${eceToken}` },
      start,
    );
  }
  // 8x8 Chat API v2: a webhook to the receiver, a channel on queue 100, two conversations.
  const { access_token } = await call(
    'POST',
    '/oauth/v2/token',
    {
      authorization: `Basic ${Buffer.from('8x8-key:8x8-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    'grant_type=client_credentials',
  );
  const v2 = '/vcc/us/chat/v2/tenant/acme';
  const auth = { ...json, authorization: `Bearer ${access_token}` };
  const hook = await call(
    'POST',
    `${v2}/web-hooks`,
    auth,
    JSON.stringify({ name: 'sut', uri: `${receiver.url}/8x8`, version: 'v2.0' }),
  );
  const channel = await call(
    'POST',
    `${v2}/channels`,
    auth,
    JSON.stringify({ name: 'web', webHookId: hook.id, routingOptions: { type: 'queue', id: '100' } }),
  );
  const ids: string[] = [];
  for (const name of ['Ada Lovelace', 'Grace Hopper']) {
    const answer = await call(
      'POST',
      `${v2}/conversations`,
      auth,
      JSON.stringify({ channelId: channel.id, customer: { name } }),
    );
    ids.push(answer.conversationId);
  }
  await call(
    'POST',
    `${v2}/conversations/${ids[0]}/messages`,
    auth,
    JSON.stringify({ text: 'Hi, my order has not arrived.' }),
  );
  await sim.control.advance('2s');
  await sim.control.act({
    provider: '8x8',
    conversationId: ids[0]!,
    action: 'agent.say',
    args: { text: 'Hello Ada, let me check that for you.' },
  });
  await sim.control.idle();

  await page.click(`tr[data-key="8x8:${ids[0]}"] a`);
  const webhook = page.locator('li[data-kind="delivery"]', { hasText: 'TEXT' }).last();
  await webhook.waitFor();
  await page.locator('li[data-kind="action"]', { hasText: 'Hello Ada' }).waitFor();
  await webhook.locator('summary').click();
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
  await sim.close();
  await receiver.close();
}
