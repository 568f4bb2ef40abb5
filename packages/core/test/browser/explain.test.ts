// The explanation in Chromium: each outcome with the rule that decided it,
// read from live pages with marks, selectors, fields, shadow roots and
// frames. That it agrees with what is recorded is checked after every
// leak-suite recording (explained.ts); this checks what it says.
import { build } from 'esbuild';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@veil/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreDir } from './harness';

let browser: Browser;
let script: string;

beforeAll(async () => {
  const out = await build({
    entryPoints: [path.join(coreDir, 'src', 'explain', 'index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'VeilExplain',
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

const PAGE = `
  <form id="signup" data-veil="mask"><p id="masked-text">Jana Nováková</p></form>
  <form id="pay">
    <input id="cc" autocomplete="cc-number" value="4111 1111 1111 1111">
    <input id="mail" type="email" value="jana@example.com">
    <input id="search" value="blue shoes">
    <input id="secret-name" name="api_key" value="abc123">
    <input id="pw" type="password" value="hunter22">
  </form>
  <div class="chat"><p id="chat-text">Hello there</p></div>
  <p id="plain">Welcome back to the shop</p>
  <p id="email-text">Write to jana@example.com today</p>
  <p id="split">Card <span>4111</span> <span>1111</span> <span>1111</span> <span>1111</span></p>
  <section class="veil-block"><p id="class-blocked">Blocked by class</p></section>
  <div data-veil="unmask"><p id="unmasked">Shown in every mode</p></div>
  <img id="photo" src="/p.png" alt="Jana at the beach">
  <a id="tel" href="tel:+420601123456">Call us</a>
  <a id="plain-link" href="/help" title="Opening hours">Help</a>
  <x-card id="host">Light text of the card</x-card>
  <iframe id="frame" srcdoc="<p id='in-frame' data-veil='mask'>Inside the frame</p>"></iframe>
  <script id="code">var planted = 'never';</script>
`;

async function open(): Promise<Page> {
  const page = await browser.newPage();
  await page.setContent(`<!doctype html><html><body>${PAGE}</body></html>`);
  await page.evaluate((js) => (0, eval)(`${js};window.VeilExplain = VeilExplain;`), script);
  await page.evaluate(() => {
    const host = document.getElementById('host')!;
    host.attachShadow({ mode: 'open' }).innerHTML = '<div data-veil="mask"><slot></slot></div>';
  });
  await page.waitForFunction(() => (document.getElementById('frame') as HTMLIFrameElement).contentDocument?.getElementById('in-frame'));
  return page;
}

type Said = { outcome: string; reason: string; summary: string; decidedBy: string | null; found: string[] };

/** Explains the first text node of `#id` (or the element itself, `value`), in `privacy` mode with `options`. */
function ask(
  page: Page,
  id: string,
  privacy: string,
  what: 'text' | 'element' = 'text',
  options: Record<string, unknown> = {},
): Promise<Said> {
  return page.evaluate(
    ({ id, privacy, what, options }) => {
      const frame = (document.getElementById('frame') as HTMLIFrameElement).contentDocument!;
      const el = document.getElementById(id) ?? frame.getElementById(id)!;
      const node = what === 'text' ? el.firstChild! : el;
      const e = (window as any).VeilExplain.explain(node, { ...options, privacy });
      return { ...e, decidedBy: e.decidedBy ? (window as any).VeilExplain.describeElement(e.decidedBy) : null };
    },
    { id, privacy, what, options },
  );
}

describe('explain', () => {
  it('names the mark, the attribute, the selector or the detector that decided', async () => {
    const page = await open();
    try {
      expect((await ask(page, 'masked-text', 'relaxed')).summary).toBe('masked: inside [data-veil="mask"] at form#signup');
      expect((await ask(page, 'masked-text', 'relaxed')).decidedBy).toBe('form#signup');
      expect((await ask(page, 'cc', 'relaxed', 'element')).summary).toBe('never recorded: autocomplete="cc-number"');
      expect((await ask(page, 'mail', 'relaxed', 'element')).summary).toBe('masked: type="email" asks for personal data');
      expect((await ask(page, 'secret-name', 'relaxed', 'element')).summary).toBe('never recorded: name="api_key" names a secret');
      expect((await ask(page, 'pw', 'balanced', 'element')).outcome).toBe('never recorded');
      expect((await ask(page, 'search', 'relaxed', 'element')).outcome).toBe('recorded');
      expect((await ask(page, 'search', 'balanced', 'element')).summary).toBe(
        'masked: balanced mode masks input values outside data-veil="unmask"',
      );
      expect((await ask(page, 'search', 'strict', 'element')).summary).toBe('masked: strict mode masks every input value');
      expect((await ask(page, 'chat-text', 'relaxed', 'text', { block: ['.chat'] })).summary).toBe(
        'blocked: matches the block option ".chat" at div.chat',
      );
      expect((await ask(page, 'class-blocked', 'relaxed')).summary).toBe('blocked: inside .veil-block at section.veil-block');
      expect((await ask(page, 'plain', 'relaxed')).outcome).toBe('recorded');
      expect((await ask(page, 'plain', 'strict')).outcome).toBe('masked');
      expect((await ask(page, 'unmasked', 'strict')).summary).toBe('recorded: inside [data-veil="unmask"] at div');
      const email = await ask(page, 'email-text', 'relaxed');
      expect(email.summary).toBe('masked: detected e-mail address');
      expect(email.found).toEqual(['e-mail address']);
      expect((await ask(page, 'photo', 'strict', 'element')).summary).toBe('blocked: strict mode blocks images and media (<img>)');
      expect((await ask(page, 'code', 'relaxed')).outcome).toBe('never recorded');
    } finally {
      await page.close();
    }
  });

  it('reads a value split across inline elements as a reader does', async () => {
    const page = await open();
    try {
      const piece = await page.evaluate(() => {
        const span = document.querySelector('#split span')!;
        const e = (window as any).VeilExplain.explain(span.firstChild, { privacy: 'relaxed' });
        return e.summary;
      });
      expect(piece).toBe('masked: detected card number read across elements');
    } finally {
      await page.close();
    }
  });

  it('follows slots of shadow roots and same-origin frames', async () => {
    const page = await open();
    try {
      expect((await ask(page, 'host', 'relaxed')).summary).toBe('masked: shown in a slot inside [data-veil="mask"] at div');
      expect((await ask(page, 'in-frame', 'relaxed')).summary).toBe('masked: inside [data-veil="mask"] at p#in-frame');
    } finally {
      await page.close();
    }
  });

  it('explains attributes', async () => {
    const page = await open();
    const attribute = (id: string, name: string, privacy: string) =>
      page.evaluate(
        ({ id, name, privacy }) =>
          (window as any).VeilExplain.createExplainer({ privacy }).explainAttribute(document.getElementById(id), name).summary,
        { id, name, privacy },
      );
    try {
      expect(await attribute('tel', 'href', 'relaxed')).toBe('masked: detected phone number in a link');
      expect(await attribute('plain-link', 'title', 'relaxed')).toBe('recorded: nothing in it needs masking');
      expect(await attribute('plain-link', 'title', 'strict')).toBe(
        'masked: strict mode masks all page text (mark a region data-veil="unmask" to record it)',
      );
      expect(await attribute('cc', 'value', 'relaxed')).toBe('never recorded: autocomplete="cc-number"');
    } finally {
      await page.close();
    }
  });

  it('tells form fields from buttons and from the inside of an editable region', async () => {
    const page = await open();
    try {
      const fields = await page.evaluate(() => {
        document.body.insertAdjacentHTML(
          'beforeend',
          `<form id="kinds"><input id="k-text"><input id="k-check" type="checkbox"><input id="k-submit" type="submit"><input type="button" value="Go">
           <textarea id="k-area"></textarea><select id="k-select"><option>A</option></select><button id="k-button">Send</button>
           <div id="k-editable" contenteditable><p id="k-inner">Draft</p></div></form>`,
        );
        const api = (window as any).VeilExplain;
        return Array.from(document.querySelectorAll('#kinds *'))
          .filter((el) => api.isFormField(el))
          .map((el) => el.id);
      });
      expect(fields).toEqual(['k-text', 'k-check', 'k-area', 'k-select', 'k-editable']);
    } finally {
      await page.close();
    }
  });

  it('refuses bad options the way the recorder does', async () => {
    const page = await open();
    try {
      const message = await page.evaluate(() => {
        try {
          (window as any).VeilExplain.explain(document.body, { privacy: 'loose' });
          return 'no error';
        } catch (e) {
          return (e as Error).message;
        }
      });
      expect(message).toBe(`[veil] Invalid option "privacy": expected one of 'strict', 'balanced', 'relaxed'; got "loose".`);
    } finally {
      await page.close();
    }
  });
});
