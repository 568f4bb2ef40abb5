// What the collector's Chromium tests share: logging in through the viewer and
// finding the player's frames.
import type { Frame, Page } from 'playwright-core';

export const PASSWORD = 'correct horse battery staple';

/** Polls until `check` holds (hooks cannot use expect.poll). */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function logIn(page: Page, viewerUrl: string, email: string, password = PASSWORD) {
  await page.goto(`${viewerUrl}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${viewerUrl}/`), page.click('button[type=submit]')]);
}

/** The player's frame and rrweb's replay frame inside it. */
export function playerFrames(page: Page): { player?: Frame; replay?: Frame } {
  const player = page.frames().find((f) => f.url().endsWith('/player'));
  return { player, replay: player?.childFrames()[0] };
}
