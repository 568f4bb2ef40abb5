// What the four demo apps' end-to-end tests share: the shape of what a demo
// sends, opening a demo page with its errors collected, reading what the
// demo's recorder sent and what its replay panel rebuilt from it. The pages
// differ (fields, framework markers, secrets); these do not.
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface SentEvent {
  type: number;
  timestamp: number;
  data: unknown;
}

/** A batch as the demos' transport keeps it in `window.__veilBatches`. */
export interface SentBatch {
  v: 1;
  sessionId: string;
  seq: number;
  events: SentEvent[];
}

// the core's own list (its source: this package is used as TypeScript, unbuilt)
export { PRIVACY_MODES as MODES, type PrivacyMode as Mode } from '../../../packages/core/src/engine/vocabulary';

/** Text every demo shows in its unmasked region (the shipping note). */
export const UNMASKED_TEXT = 'Free shipping on orders over';
/** Text of every demo's (blocked) replay panel. */
export const REPLAY_PANEL_TEXT = 'what a collector would store';

export interface OpenedDemo {
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
  consoleErrors: string[];
}

/**
 * Opens `url` in a fresh browser context (or `context`), collecting uncaught
 * errors and console errors, and waits until `ready` (run in the page) holds.
 */
export async function openDemo(
  browser: Browser,
  url: string,
  ready: () => boolean,
  { context, timeout = 30_000 }: { context?: BrowserContext; timeout?: number } = {},
): Promise<OpenedDemo> {
  context ??= await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error?.stack ?? error)));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(url);
  await page.waitForFunction(ready, undefined, { timeout });
  return { context, page, pageErrors, consoleErrors };
}

interface DemoGlobals {
  __veilBatches?: SentBatch[];
  __veilDemo: { flush(): Promise<void> };
}

/** Everything the demo's recorder sent so far, after flushing what it holds. */
export async function sentBatches(page: Page): Promise<SentBatch[]> {
  await page.evaluate(() => (window as unknown as DemoGlobals).__veilDemo.flush());
  return page.evaluate(() => (window as unknown as DemoGlobals).__veilBatches ?? []);
}

/** The batches of each session, in the order the sessions started. */
export function sessionsIn(batches: SentBatch[]): SentBatch[][] {
  const ids = [...new Set(batches.map((batch) => batch.sessionId))];
  return ids.map((id) => batches.filter((batch) => batch.sessionId === id));
}

export interface Replayed {
  text: string;
  html: string;
  hasCardField: boolean;
  hasPasswordField: boolean;
  search: string | null;
  values: string[];
}

/** What rrweb's player rebuilt in the demo's replay panel, or null before it shows anything. */
export function replayed(page: Page): Promise<Replayed | null> {
  return page.evaluate(() => {
    const doc = document.querySelector<HTMLIFrameElement>('#replay-stage iframe')?.contentDocument;
    if (!doc?.body) return null;
    return {
      text: doc.body.textContent ?? '',
      html: doc.documentElement.outerHTML,
      // (rrweb's rebuild sets autocomplete=off on every field: find them by id)
      hasCardField: doc.querySelector('#card-number') !== null,
      hasPasswordField: doc.querySelector('#password') !== null,
      search: doc.querySelector<HTMLInputElement>('#search')?.value ?? null,
      values: [...doc.querySelectorAll<HTMLInputElement>('input, textarea, select')].map((el) => el.value),
    };
  });
}
