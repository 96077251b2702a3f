// Shared pieces of the inspector's browser tests: one headless Chromium per test file (Debian's package, driven
// by playwright-core through executablePath), a simulator listening on 127.0.0.1, and a webhook receiver.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../src/simulator.ts';
import { createTestSimulator } from '../support/simulator.ts';
import { chromiumPath, FLAGS } from './chromium.ts';

export { chromiumPath, type Received, skipReason, startReceiver } from './chromium.ts';

/** Starts one browser for the test file, on a fresh user-data-dir, closed after its last test. */
export function useBrowser(): () => BrowserContext {
  let browser: BrowserContext | null = null;
  let profile: string | null = null;
  beforeAll(async () => {
    if (chromiumPath === null) return;
    profile = mkdtempSync(path.join(tmpdir(), 'convosim-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      args: FLAGS,
      viewport: { width: 1440, height: 900 },
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });
  return () => {
    if (!browser) throw new Error('the browser did not start');
    return browser;
  };
}

/** Uncaught errors of the inspector's pages (tests expect none). */
export const pageErrors: Error[] = [];

/** A page of its own on the inspector of a listening simulator, once the stream is live. */
export async function openInspector(browser: BrowserContext, sim: Simulator, hash = ''): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error));
  await page.goto(`${sim.url}/__inspector${hash}`);
  await page.locator('#status[data-status="live"]').waitFor();
  return page;
}

/** A test simulator (virtual clock, memory store) listening on 127.0.0.1 port 0. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await createTestSimulator(options);
  await sim.listen(0, '127.0.0.1');
  return sim;
}
