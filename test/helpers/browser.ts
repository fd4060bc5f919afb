/**
 * Real headless Chromium (Debian's /usr/bin/chromium) through playwright-core, with the flags
 * from ../shared/facts.md (no background networking, no component updates: it must not reach
 * outside hosts) and a fresh, empty --user-data-dir removed on close. Used by the viewer and the
 * inspector tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface HeadlessBrowser {
  readonly page: Page;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1400, height: 860 }): Promise<HeadlessBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'test-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium', headless: true, args: FLAGS, viewport, deviceScaleFactor: 1, timeout: 30_000,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
