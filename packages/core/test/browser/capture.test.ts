// The capture layer on its own, in Chromium: the contexts it keeps on the
// elements of the page between tasks must follow every change that alters
// them. The leak suite cannot see a capture-layer mistake (the scrubber
// catches it before the transport), so this asks the layer directly, wired to
// a watcher the way the recorder wires it.
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@veil/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreDir } from './harness';

const ENTRY = `
import { createCapture } from './src/page/capture';
import { CLASSIFYING_ATTRIBUTES, modeLevel } from './src/engine/classify';
import { rememberPasswordFields } from './src/page/passwords';
export function wire(privacy, selectors = { mask: [], block: [], unmask: [] }) {
  rememberPasswordFields();
  const capture = createCapture(modeLevel(privacy), selectors, () => {});
  const changed = (records) => records.length && capture.noteChanges(records);
  const watcher = new MutationObserver(changed);
  watcher.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: CLASSIFYING_ATTRIBUTES });
  // as the recorder does before each value: take what the watcher has pending
  const pending = () => changed(watcher.takeRecords());
  window.valueOf = (el) => (pending(), capture.value('Plain typed words', el));
  window.textOf = (el) => (pending(), capture.text('Plain page words', el));
  // what the layer records of the element's own first text node
  window.ownTextOf = (el) => (pending(), capture.text(el.firstChild.data, el));
}
`;

let browser: Browser;
let script: string;

beforeAll(async () => {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: coreDir, loader: 'ts', sourcefile: 'capture-entry.ts' },
    bundle: true,
    format: 'iife',
    globalName: 'Capture',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  script = out.outputFiles[0].text;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

declare global {
  interface Window {
    Capture: { wire(privacy: string, selectors?: Record<string, string[]>): void };
    valueOf(el: Element): string;
    textOf(el: Element): string;
    ownTextOf(el: Element): string;
  }
}

/** A page with the capture layer wired in relaxed mode (values of ordinary fields are recorded). */
async function open(html: string, selectors?: Record<string, string[]>): Promise<Page> {
  const page = await browser.newPage();
  await page.setContent(`<!doctype html><html><body>${html}</body></html>`);
  await page.addScriptTag({ content: script });
  await page.evaluate((s) => window.Capture.wire('relaxed', s), selectors);
  return page;
}

const PLAIN = 'Plain typed words';
const valueOf = (page: Page, selector: string) => page.evaluate((s) => window.valueOf(document.querySelector(s)!), selector);
/** Runs page code, then lets a task pass, so the watcher hears of it the ordinary way. */
const change = async (page: Page, fn: () => void) => {
  await page.evaluate(fn);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
};

describe('the capture layer, across tasks', () => {
  it('masks a field once an ancestor is marked, and records it again when the mark goes', async () => {
    const page = await open('<main><section id="s"><div><input id="f" name="note"></div></section></main>');
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    await change(page, () => document.getElementById('s')!.setAttribute('data-veil', 'mask'));
    expect(await valueOf(page, '#f')).not.toContain('Plain');
    await change(page, () => document.getElementById('s')!.removeAttribute('data-veil'));
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    await change(page, () => document.getElementById('s')!.classList.add('card', 'veil-mask'));
    expect(await valueOf(page, '#f')).not.toContain('Plain');
    await change(page, () => document.getElementById('s')!.classList.remove('veil-mask'));
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    await page.close();
  });

  it('reads marks on components that define a matches() of their own, and on elements of any kind', async () => {
    const page = await open(
      '<x-result id="r" data-veil="mask"><p id="t">words</p></x-result><div id="c" class="card veil-mask"><span id="u">words</span></div><svg><text id="v" class="veil-mask">words</text></svg><div contenteditable id="e">words</div><div id="plain" class="card" title="t">words</div>',
    );
    const texts = await page.evaluate(() => {
      // a component whose own API is called matches, answering something else entirely
      customElements.define(
        'x-result',
        class extends HTMLElement {
          override matches() {
            return false;
          }
        },
      );
      return ['#t', '#u', '#v', '#e', '#plain'].map((s) => window.textOf(document.querySelector(s)!));
    });
    for (const masked of texts.slice(0, 3)) expect(masked).toBe('***** **** *****');
    // contenteditable: its text is an input value, recorded in relaxed mode like one
    expect(texts[3]).toBe('Plain page words');
    expect(texts[4]).toBe('Plain page words');
    await page.close();
  });

  it('follows a field that moves into a masked region and back, also in the same task', async () => {
    const page = await open('<div id="open"><input id="f"></div><div id="closed" data-veil="mask"></div>');
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    await change(page, () => document.getElementById('closed')!.append(document.getElementById('f')!));
    expect(await valueOf(page, '#f')).not.toContain('Plain');
    await change(page, () => document.getElementById('open')!.append(document.getElementById('f')!));
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    const sameTask = await page.evaluate(() => {
      const f = document.getElementById('f')!;
      const before = window.valueOf(f);
      document.getElementById('closed')!.append(f);
      return [before, window.valueOf(f)];
    });
    expect(sameTask[0]).toBe(PLAIN);
    expect(sameTask[1]).not.toContain('Plain');
    await page.close();
  });

  it('follows a field that comes back inside a masked wrapper built while it was away', async () => {
    const page = await open('<div id="open"><span id="box"><input id="f"></span><p id="p">words</p></div>');
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    expect(await page.evaluate(() => window.textOf(document.getElementById('p')!))).toBe('Plain page words');
    // the field alone leaves, a masked wrapper is built around it off the page, later the wrapper arrives
    await change(page, () => {
      (window as unknown as { held: Element }).held = document.getElementById('f')!;
      document.getElementById('f')!.remove();
    });
    await change(page, () => {
      const wrapper = document.createElement('div');
      wrapper.setAttribute('data-veil', 'mask');
      wrapper.append((window as unknown as { held: Element }).held);
      document.getElementById('open')!.append(wrapper);
    });
    expect(await valueOf(page, '#f')).not.toContain('Plain');
    // a whole region leaves; in a later task one of its fields is taken out of it
    // (the watcher no longer sees that region) into a masked wrapper that arrives
    await change(page, () => {
      (window as unknown as { held: Element }).held = document.getElementById('box')!;
      document.getElementById('box')!.append(document.createElement('input'));
      document.getElementById('box')!.lastElementChild!.id = 'g';
    });
    expect(await valueOf(page, '#g')).toBe(PLAIN);
    await change(page, () => document.getElementById('box')!.remove());
    await change(page, () => {
      const field = (window as unknown as { held: Element }).held.querySelector('#g')!;
      const wrapper = document.createElement('div');
      wrapper.className = 'veil-mask';
      wrapper.append(field);
      document.getElementById('open')!.append(wrapper);
    });
    expect(await valueOf(page, '#g')).not.toContain('Plain');
    await page.close();
  });

  it('judges a field moved into a shadow root under a masked host afresh', async () => {
    const page = await open('<input id="f"><div id="host" data-veil="mask"></div>');
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    const inShadow = await page.evaluate(() => {
      const root = document.getElementById('host')!.attachShadow({ mode: 'open' });
      const f = document.getElementById('f')!;
      root.append(f);
      return window.valueOf(f);
    });
    expect(inShadow).not.toContain('Plain');
    await page.close();
  });

  it('judges a field in a shadow root afresh for each value: the watcher does not see inside', async () => {
    const page = await open('<div id="host"></div>');
    const values = await page.evaluate(() => {
      const root = document.getElementById('host')!.attachShadow({ mode: 'open' });
      root.innerHTML = '<div id="wrap"><input id="f"></div>';
      const f = root.getElementById('f')!;
      const before = window.valueOf(f);
      root.getElementById('wrap')!.setAttribute('data-veil', 'mask');
      return [before, window.valueOf(f)];
    });
    expect(values[0]).toBe(PLAIN);
    expect(values[1]).not.toContain('Plain');
    await page.close();
  });

  it('keeps a field sensitive once it was a password, and sees a name that announces a secret', async () => {
    const page = await open('<form><input id="f" name="note"></form>');
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    await change(page, () => ((document.getElementById('f') as HTMLInputElement).type = 'password'));
    expect(await valueOf(page, '#f')).not.toContain('Plain');
    await change(page, () => ((document.getElementById('f') as HTMLInputElement).type = 'text'));
    expect(await valueOf(page, '#f')).not.toContain('Plain');
    const other = await page.evaluate(() => {
      const g = document.createElement('input');
      g.id = 'g';
      document.querySelector('form')!.append(g);
      return window.valueOf(g);
    });
    expect(other).toBe(PLAIN);
    await change(page, () => document.getElementById('g')!.setAttribute('name', 'apiToken'));
    expect(await valueOf(page, '#g')).not.toContain('Plain');
    await page.close();
  });

  it('still records what no change concerns, after changes elsewhere', async () => {
    const page = await open('<div id="a"><input id="f"></div><div id="b"><p>x</p></div>');
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    await change(page, () => {
      document.getElementById('b')!.setAttribute('data-veil', 'block');
      document.getElementById('b')!.className = 'busy';
      document.getElementById('a')!.className = 'active';
      document.getElementById('b')!.firstElementChild!.remove();
    });
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    await page.close();
  });

  it('asks configured selectors afresh: they can depend on anything', async () => {
    const page = await open('<div id="a"><input id="f"></div>', { mask: ['#a:has(.flag) input'], block: [], unmask: [] });
    expect(await valueOf(page, '#f')).toBe(PLAIN);
    await change(page, () => {
      const flag = document.createElement('i');
      flag.className = 'flag';
      document.getElementById('a')!.append(flag);
    });
    expect(await valueOf(page, '#f')).not.toContain('Plain');
    await page.close();
  });
});

describe('the capture layer, reading a line across nodes', () => {
  it('masks the pieces of a credential without digits that follows the text of a block with no word boundary between', async () => {
    const page = await open('<div><p>Total</p><span id="a">eyJVxNoDigitsHd</span><span id="b">.VxPayloadAbcQ.VxSigTailWz</span></div>');
    const pieces = await page.evaluate(() => [
      window.ownTextOf(document.getElementById('a')!),
      window.ownTextOf(document.getElementById('b')!),
    ]);
    expect(pieces.join('')).toBe('*'.repeat('eyJVxNoDigitsHd.VxPayloadAbcQ.VxSigTailWz'.length));
    await page.close();
  });
});
