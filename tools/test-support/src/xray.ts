// Reading the X-ray overlay from an end-to-end test. It is drawn in a closed
// shadow root, which no selector reaches (on purpose: the page's own scripts
// should not either); Chromium's DevTools protocol does, so the tests read it
// there as a developer reads it on screen.
import type { Page } from 'playwright-core';

const OUTCOMES = ['never recorded', 'recorded', 'masked', 'blocked'] as const;
export type XrayOutcome = (typeof OUTCOMES)[number];

export interface XrayShown {
  /** The legend's text, as shown. */
  legend: string;
  /** The legend's counts per outcome. */
  counts: Record<XrayOutcome, { fields: number; all: number }>;
}

interface CdpNode {
  nodeName: string;
  backendNodeId: number;
  attributes?: string[];
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
  contentDocument?: CdpNode;
}

/** Runs `fn` (source of a function, `this` the overlay's shadow root) in every X-ray overlay on the page; one result per overlay. */
async function inOverlays<T>(page: Page, fn: string): Promise<T[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
    const roots: CdpNode[] = [];
    const visit = (node: CdpNode) => {
      const attrs = node.attributes ?? [];
      const blocked = attrs.some((a, i) => i % 2 === 0 && a === 'data-veil' && attrs[i + 1] === 'block');
      if (node.nodeName === 'VEIL-XRAY' && blocked && node.shadowRoots?.length) roots.push(node.shadowRoots[0]);
      for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) visit(child);
    };
    visit(root);
    const out: T[] = [];
    for (const shadow of roots) {
      const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId })) as { object: { objectId: string } };
      const { result } = (await cdp.send('Runtime.callFunctionOn', {
        objectId: object.objectId,
        functionDeclaration: fn,
        returnByValue: true,
        awaitPromise: true,
      })) as {
        result: { value: T };
      };
      out.push(result.value);
    }
    return out;
  } finally {
    await cdp.detach();
  }
}

/** The X-ray overlay on the page, or null when none is drawn; throws if more than one is. */
export async function xrayShown(page: Page): Promise<XrayShown | null> {
  const legends = await inOverlays<string>(
    page,
    'function () { return this.querySelector(".legend").textContent.replace(/\\s+/g, " ").trim(); }',
  );
  if (legends.length > 1) throw new Error(`${legends.length} X-ray overlays on the page: one is drawn at a time`);
  if (!legends.length) return null;
  const legend = legends[0];
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, { fields: NaN, all: NaN }])) as XrayShown['counts'];
  for (const match of legend.matchAll(/(never recorded|recorded|masked|blocked)\s*(\d+) fields? · (\d+) in all/g)) {
    counts[match[1] as XrayOutcome] = { fields: Number(match[2]), all: Number(match[3]) };
  }
  return { legend, counts };
}

/** Picks `mode` in the overlay's privacy-mode switch, as a developer does. */
export async function setXrayPrivacy(page: Page, mode: string): Promise<void> {
  const done = await inOverlays<boolean>(
    page,
    `function () { const s = this.querySelector('select[data-action="privacy"]'); if (!s) return false; s.value = ${JSON.stringify(mode)}; s.dispatchEvent(new Event('change', { bubbles: true })); return s.value === ${JSON.stringify(mode)}; }`,
  );
  if (done.length !== 1 || !done[0]) throw new Error(`the X-ray's privacy-mode switch could not be set to ${mode}`);
}

/**
 * Texts of the overlay that must never reach a recording. (Its host's tag,
 * <veil-xray>, is recorded, empty and blocked: that is why the legend's title,
 * "Veil X-ray", squashed the same, is not among them.)
 */
export const XRAY_OVERLAY_TEXT = {
  'the X-ray legend hint': 'Hover an outline to see the rule that decided',
  'the X-ray close button': 'Close the X-ray',
} as const;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeout = 10_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface XraySwitchRun {
  /** The overlay right after the switch was turned on. */
  on: XrayShown | null;
  /** After picking each privacy mode in the overlay's own switch. */
  modes: Record<string, XrayShown | null>;
  /** After the switch was turned off. */
  off: XrayShown | null;
}

/**
 * Turns on the demo's X-ray switch (the `switch` named "X-ray …"), reads the
 * overlay, picks each privacy mode in the overlay's legend, takes the
 * screenshots (with the pointer on `hover`, so a reason card shows) at 1280
 * and 390 px wide into `screenshots`, and turns the switch off again.
 */
export async function runXraySwitch(page: Page, { hover, screenshots }: { hover: string; screenshots: string }): Promise<XraySwitchRun> {
  const toggle = page.getByRole('switch', { name: /X-ray/ });
  await toggle.check();
  const on = await until(
    () => xrayShown(page),
    (x) => x !== null && !Number.isNaN(x.counts.recorded.all),
    'the X-ray overlay',
  );
  const modes: Record<string, XrayShown | null> = {};
  for (const mode of ['strict', 'balanced', 'relaxed']) {
    await setXrayPrivacy(page, mode);
    modes[mode] = await xrayShown(page);
  }
  // the pictures in relaxed mode, where all four outcomes show, with a field's reason
  await setXrayPrivacy(page, 'relaxed');
  const viewport = page.viewportSize();
  for (const [width, height, name] of [
    [1280, 900, 'xray-1280.png'],
    [390, 844, 'xray-390.png'],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.locator(hover).scrollIntoViewIfNeeded();
    await page.hover(hover);
    // the overlay redraws on the next frame after a resize or scroll
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: `${screenshots}/${name}` });
  }
  if (viewport) await page.setViewportSize(viewport);
  await toggle.uncheck();
  const off = await until(
    () => xrayShown(page),
    (x) => x === null,
    'the X-ray to go',
  );
  return { on, modes, off };
}
