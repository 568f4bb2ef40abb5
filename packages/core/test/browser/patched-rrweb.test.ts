// The rrweb that Veil bundles (@rrweb/record with build/rrweb-record.patch,
// see build/README.md) must record exactly what stock rrweb records, for the
// options Veil passes (RRWEB_OPTIONS, the recorder's own constant). Both copies
// record the same scripted pages here; their events must be equal once
// timestamps are set aside. The one change that records differently on
// purpose, a checked radio's group, has a page of its own.
import http from 'node:http';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@veil/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchRrweb } from '../../build/patch-rrweb';
import { EventType, IncrementalSource } from '../../src/engine/protocol';
import { RRWEB_OPTIONS } from '../../src/page/rrweb-options';
import { coreDir } from './harness';

const ENTRY = `export { record } from '@rrweb/record';`;

type Copy = 'stock' | 'patched';

async function bundleRrweb(copy: Copy): Promise<string> {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: coreDir, loader: 'js', sourcefile: 'rrweb-entry.js' },
    bundle: true,
    format: 'iife',
    globalName: 'Rrweb',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    plugins: copy === 'patched' ? [patchRrweb()] : [],
  });
  return out.outputFiles[0].text;
}

// Both copies get the same options: Veil's, plus hooks that show what they
// were given (page/rrweb.ts adds Veil's own) and a block selector of the test's.
const OPTIONS = { ...RRWEB_OPTIONS, blockSelector: '[data-block]' };
const START = (options: typeof OPTIONS) => {
  const w = window as unknown as { Rrweb: { record(o: object): () => void }; events: unknown[]; stopRecording(): void };
  w.events = [];
  w.stopRecording = w.Rrweb.record({
    ...options,
    emit: (e: unknown) => w.events.push(e),
    maskInputFn: (text: string, el: Element) => el.localName + '=' + text.toUpperCase(),
    maskTextFn: (text: string, el: Element | null) => (el ? el.localName : '#root') + ':' + text,
  });
};

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Same output</title>
<meta name="description" content="a page">
<meta name="google-site-verification" content="dropped">
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="/style.css">
<style>.box { background: url(/bg.png); } #scroller { height: 40px; overflow: auto; }</style>
<script>customElements.define('x-card', class extends HTMLElement {});
  // a component whose own API is called matches and closest: rrweb's block class still holds
  customElements.define('x-matcher', class extends HTMLElement { matches() { return false; } closest() { return null; } });</script>
</head><body>
<!-- a comment -->
<header class="top rr-block-not"><a href="/about?x=1" title="About">About <b>us</b></a>
<img src="/a.png" srcset="/a.png 1x, /a2.png 2x" alt="An image"></header>
<main>
  <div id="scroller"><p>one</p><p>two</p><p>three</p><p>four</p><p>five</p></div>
  <section class="rr-block"><p>hidden by class</p><input value="inside block"></section>
  <section data-block><p>hidden by selector</p></section>
  <div class="outer rr-block"><div><span>nested in a blocked element</span></div></div>
  <x-matcher class="rr-block"><p>hidden though it answers matches</p><input value="in the matcher"></x-matcher>
  <x-card data-kind="card"><span>card text</span></x-card>
  <x-unknown>undefined custom element</x-unknown>
  <form action="/send" method="post">
    <input name="name" value="Ann Example"><input type="password" value="pw-value">
    <input type="checkbox" checked><input type="radio" name="r" value="a" checked><input type="radio" name="r" value="b">
    <select><option>first</option><option selected>second</option></select>
    <textarea>Some notes</textarea><input class="note rr-ignore" value="not followed"><button type="submit">Send</button>
  </form>
  <svg width="10" height="10"><use href="#dot" xlink:href="#dot"></use><circle id="dot" r="2"></circle><text>svg text</text></svg>
  <table background="/t.png"><tr><td>cell</td></tr></table>
  <video src="/v.mp4" autoplay muted></video>
  <dialog open>open dialog</dialog>
  <div id="host"><span slot="s">slotted light text</span></div>
  <p style="color: red; background-image: url(/p.png)">styled <i>text</i> with <span class="box">inline</span> markup</p>
  <iframe src="/frame.html"></iframe>
</main>
<script>
  const root = document.getElementById('host').attachShadow({ mode: 'open' });
  root.innerHTML = '<p>shadow text</p><slot name="s"></slot><input value="shadow input">';
  document.getElementById('scroller').scrollTop = 25;
  // a field that answers matches itself: rrweb's ignore class still holds
  document.querySelector('.rr-ignore').matches = () => false;
</script>
</body></html>`;

const FRAME = `<!doctype html><html><body><p>frame text</p><input value="frame input"></body></html>`;

// Radio groups as the browser forms them: by form owner and name. Stock rrweb
// takes every radio of the name in the document for the group, and builds a
// selector from the name, which a quote breaks. The image and the hidden
// field shadow the document's and the form's properties of those names.
const RADIOS = `<!doctype html><html><body>
<img name="getElementsByName" alt="">
<form id="first"><input type="hidden" name="elements"><input type="radio" name="plan" value="small" checked><input type="radio" name="plan" value="large"></form>
<form id="second"><input type="radio" name="plan" value="other-form" checked></form>
<input type="radio" name="plan" value="outside" form="first">
<input type="radio" name="plan" value="formless-plan">
<input type="radio" name='say "hi"' value="formless-a" checked><input type="radio" name='say "hi"' value="formless-b">
<p id="after">before</p>
</body></html>`;

const RADIO_STEPS: Array<() => void> = [
  () => {
    const large = document.querySelector('input[value="large"]') as HTMLInputElement;
    large.checked = true;
    large.dispatchEvent(new Event('input', { bubbles: true }));
  },
  () => {
    const formless = document.querySelector('input[value="formless-b"]') as HTMLInputElement;
    formless.checked = true;
    formless.dispatchEvent(new Event('input', { bubbles: true }));
  },
  () => {
    const formless = document.querySelector('input[value="formless-plan"]') as HTMLInputElement;
    formless.checked = true;
    formless.dispatchEvent(new Event('input', { bubbles: true }));
  },
  () => {
    document.getElementById('after')!.textContent = 'still recording';
  },
];

// Page changes while recording, each in its own task, then a pause for what
// rrweb reports later (values set by script, frames loading).
const STEPS: Array<() => void | Promise<void>> = [
  () => {
    const section = document.createElement('section');
    section.innerHTML =
      '<h2 title="New">Added <em>heading</em></h2><input name="added" value="typed before">' +
      '<div class="rr-block"><p>added blocked</p></div><x-card><b>added card</b></x-card><!-- added comment -->';
    document.querySelector('main')!.append(section);
  },
  () => {
    document.querySelector('h2')!.firstChild!.textContent = 'Changed ';
    document.querySelector('header')!.setAttribute('class', 'top changed');
    document.querySelector('a')!.setAttribute('href', '/elsewhere#part');
    (document.querySelector('.box') as HTMLElement).style.color = 'blue';
    document.querySelector('x-unknown')!.remove();
  },
  () => {
    const input = document.querySelector('input[name="name"]') as HTMLInputElement;
    input.value = 'Bea Example';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const radio = document.querySelector('input[value="b"]') as HTMLInputElement;
    radio.checked = true;
    radio.dispatchEvent(new Event('input', { bubbles: true }));
    const select = document.querySelector('select')!;
    select.selectedIndex = 0;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    const ignored = document.querySelector('.rr-ignore') as HTMLInputElement;
    ignored.value = 'typed where ignored';
    ignored.dispatchEvent(new Event('input', { bubbles: true }));
    const area = document.querySelector('textarea')!;
    area.value = 'Other notes';
    area.dispatchEvent(new Event('input', { bubbles: true }));
  },
  () => {
    document.querySelector('.outer span')!.textContent = 'changed inside block';
    document.querySelector('.outer')!.append(document.createElement('p'));
    document.querySelector('header')!.classList.add('rr-block');
    document.querySelector('[data-block]')!.removeAttribute('data-block');
  },
  () => {
    const later = document.createElement('div');
    document.body.append(later);
    const shadow = later.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p>late shadow <b>text</b></p>';
    const frame = document.createElement('iframe');
    frame.src = '/frame.html';
    document.body.append(frame);
    // rrweb records a frame's document once it has loaded: wait for that, so both copies see it at the same point
    return new Promise<void>((resolve) => frame.addEventListener('load', () => setTimeout(resolve, 50), { once: true }));
  },
  () => {
    document.getElementById('scroller')!.scrollTop = 60;
    const sheet = (document.querySelector('style') as HTMLStyleElement).sheet!;
    sheet.insertRule('.added { color: green; }', sheet.cssRules.length);
    const moved = document.querySelector('table')!;
    document.querySelector('form')!.append(moved);
  },
];

function serve(): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (type: string, body: string) => {
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (url.pathname === '/frame.html') return send('text/html; charset=utf-8', FRAME);
      if (url.pathname === '/radios.html') return send('text/html; charset=utf-8', RADIOS);
      if (url.pathname === '/style.css') return send('text/css', 'body { margin: 8px; } a { color: navy; }');
      if (url.pathname === '/') return send('text/html; charset=utf-8', PAGE);
      res.writeHead(404);
      res.end();
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

let browser: Browser;
let server: http.Server;
const scripts: Record<Copy, string> = { stock: '', patched: '' };

beforeAll(async () => {
  [scripts.stock, scripts.patched, browser, server] = await Promise.all([
    bundleRrweb('stock'),
    bundleRrweb('patched'),
    launchChromium(),
    serve(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

interface RrwebEvent {
  type: number;
  timestamp?: number;
  data?: unknown;
}

async function recordWith(
  copy: Copy,
  path = '/',
  steps: Array<() => void | Promise<void>> = STEPS,
  pageErrors: Error[] = [],
): Promise<RrwebEvent[]> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error));
  try {
    const { port } = server.address() as { port: number };
    await page.goto(`http://127.0.0.1:${port}${path}`, { waitUntil: 'load' });
    await page.addScriptTag({ content: scripts[copy] });
    await page.evaluate(START, OPTIONS);
    // lets the frames' load events and the first snapshot's timers run
    const pause = () => page.evaluate(() => new Promise((r) => setTimeout(r, 120)));
    await pause();
    for (const step of steps) {
      await page.evaluate(step);
      await pause();
    }
    return await page.evaluate(() => {
      const w = window as unknown as { events: RrwebEvent[]; stopRecording(): void };
      w.stopRecording();
      return w.events;
    });
  } finally {
    await page.close();
  }
}

const withoutTimes = (events: RrwebEvent[]) => JSON.parse(JSON.stringify(events, (key, value) => (key === 'timestamp' ? 0 : value)));

describe('the bundled rrweb', () => {
  it('records what stock rrweb records, for the options Veil passes', async () => {
    const stock = await recordWith('stock');
    const patched = await recordWith('patched');
    const text = JSON.stringify(stock);
    // the page reaches what the patch changed: blocked elements, custom
    // elements, scroll offsets, shadow roots, frames, inputs, attributes
    for (const expected of [
      'rr_width',
      '"isCustom":true',
      '"text":"a","isChecked":false',
      'rr_scrollTop',
      '"isShadowHost":true',
      'frame text',
      'input=BEA EXAMPLE',
      'Changed ',
      '/elsewhere#part',
      'late shadow',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('hidden by class');
    expect(text).not.toContain('hidden though it answers matches');
    expect(text).not.toContain('changed inside block');
    expect(text).not.toContain('TYPED WHERE IGNORED');
    expect(stock.length).toBeGreaterThan(10);
    expect(withoutTimes(patched)).toEqual(withoutTimes(stock));
  });

  // The one place where the bundled copy records differently, on purpose.
  it("records a checked radio's group as the browser forms it, whatever the radios' names", async () => {
    const errors: Error[] = [];
    const events = await recordWith('patched', '/radios.html', RADIO_STEPS, errors);
    type SerializedNode = { id: number; attributes?: Record<string, unknown>; childNodes?: SerializedNode[] };
    const find = (node: SerializedNode, value: string): SerializedNode | undefined =>
      node.attributes?.value === value ? node : (node.childNodes ?? []).map((child) => find(child, value)).find(Boolean);
    const idOf = (value: string) => {
      const node = find((events.find((e) => e.type === EventType.FullSnapshot)!.data as { node: SerializedNode }).node, value);
      expect(node, value).toBeDefined();
      return node!.id;
    };
    const unchecked = events
      .filter(
        (e) =>
          e.type === EventType.IncrementalSnapshot &&
          (e.data as { source: number }).source === IncrementalSource.Input &&
          (e.data as { isChecked: boolean }).isChecked === false,
      )
      .map((e) => (e.data as { id: number }).id);
    // the other radios of the form, the one outside it by its form attribute included
    expect(unchecked).toContain(idOf('small'));
    expect(unchecked).toContain(idOf('outside'));
    // a radio of the same name in another form, or in none, is another group: the browser leaves it checked
    expect(unchecked).not.toContain(idOf('other-form'));
    expect(unchecked).not.toContain(idOf('large'));
    // without a form, a quote in the name neither throws nor stops anything
    expect(unchecked).toContain(idOf('formless-a'));
    expect(errors).toEqual([]);
    expect(JSON.stringify(events)).toContain('p:still recording');
  });
});
