import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`) driven by playwright-core: the project never
 * downloads a browser. The flags keep a headless Chromium off the network and quiet on a machine
 * without a GPU, a sandbox-capable kernel setup or Google's hosts (see the node-svc machine notes).
 * Playwright gives each launch a new, empty profile directory and removes it on close.
 */
export const chromiumPath = process.env.VITALTWIN_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath);
}

export interface LaunchedBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return {
    browser,
    close: () => browser.close().catch(() => undefined),
  };
}
