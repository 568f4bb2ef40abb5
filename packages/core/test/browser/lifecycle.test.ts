// The recorder's life in a real page: states, one recording at a time,
// failures that stop recording instead of breaking the page, run-time marks.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { NAVIGATION_EVENT } from '../../src/engine/protocol';
import { servePages } from './page-server';

const pages = servePages((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><script src="/veil.js"></script></head><body>
      <h1>Account</h1><p id="p">Ordinary text</p><div id="box"><p id="inner">Box text</p></div><input id="q" name="q">
      <script>
        window.sent = [];
        window.make = (extra) => Veil.createRecorder({ privacy: 'relaxed', transport: (b) => { window.sent.push(JSON.stringify(b)); }, ...extra });
      </script></body></html>`);
});

async function page(): Promise<Page> {
  const ctx = await pages.browser.newContext();
  const p = await ctx.newPage();
  await p.goto(pages.base);
  return p;
}

describe('recorder lifecycle', () => {
  it('reports every state change to subscribers until they unsubscribe', async () => {
    const p = await page();
    const states = await p.evaluate(async () => {
      const seen: string[] = [];
      const rec = (window as any).make({ requireConsent: true });
      const off = rec.subscribe((s: string) => seen.push(s));
      rec.start();
      rec.grantConsent();
      rec.stop();
      off();
      rec.start();
      return seen;
    });
    expect(states).toEqual(['awaiting-consent', 'recording', 'stopped']);
  });

  it('refuses to start a second recorder while one records, saying what to do', async () => {
    const p = await page();
    const message = await p.evaluate(() => {
      const a = (window as any).make();
      const b = (window as any).make();
      a.start();
      a.start(); // starting twice is harmless
      try {
        b.start();
        return 'no error';
      } catch (e) {
        return String((e as Error).message);
      } finally {
        a.stop();
        b.start();
        b.stop();
      }
    });
    expect(message).toMatch(/\[veil\] Another recorder is already recording.*stop\(\)/);
  });

  it('stops and reports through onError when recording fails, and never sends the unscrubbed page', async () => {
    const p = await page();
    const result = await p.evaluate(async () => {
      // an element that cannot be asked about its attributes, even through
      // Element's own methods: classification throws while rrweb serializes it
      class Hostile extends HTMLElement {
        override getAttribute(): string | null {
          throw new Error('hostile element');
        }
      }
      const matches = Element.prototype.matches;
      Element.prototype.matches = function (this: Element, selector: string) {
        if (this instanceof Hostile) throw new Error('hostile element');
        return matches.call(this, selector);
      };
      customElements.define('hostile-box', Hostile);
      const h = document.createElement('hostile-box');
      h.setAttribute('role', 'note');
      h.textContent = 'HostileCanary77';
      document.body.append(h);
      const errors: string[] = [];
      const rec = (window as any).make({ onError: (e: Error) => errors.push(e.message) });
      rec.start();
      await new Promise((r) => setTimeout(r, 100));
      document.getElementById('p')!.textContent = 'AfterFailure';
      await rec.flush();
      return { state: rec.state, errors, sent: (window as any).sent.join('\n') };
    });
    expect(result.state).toBe('stopped');
    expect(result.errors.join(' ')).toContain('hostile element');
    expect(result.sent).not.toContain('HostileCanary77');
    expect(result.sent).not.toContain('AfterFailure');
    // the page itself still works
    await p.fill('#q', 'still typing');
    expect(await p.inputValue('#q')).toBe('still typing');
  });

  it('reports a transport that throws through onError and keeps recording', async () => {
    const p = await page();
    const result = await p.evaluate(async () => {
      const errors: string[] = [];
      const rec = (window as any).Veil.createRecorder({
        transport: () => {
          throw new Error('collector unreachable');
        },
        onError: (e: Error) => errors.push(e.message),
      });
      rec.start();
      await rec.flush();
      const state = rec.state;
      rec.stop();
      return { state, errors };
    });
    expect(result.state).toBe('recording');
    expect(result.errors).toEqual(['collector unreachable']);
  });

  it('masks a region marked at run time, including what was already recorded, from the next snapshot on', async () => {
    const p = await page();
    const sent = await p.evaluate(async () => {
      const rec = (window as any).make();
      rec.start();
      await rec.flush();
      (window as any).sent.length = 0;
      rec.mask('#box');
      document.getElementById('inner')!.textContent = 'RuntimeMasked31';
      await new Promise((r) => setTimeout(r, 50));
      await rec.flush();
      rec.stop();
      return (window as any).sent.join('\n');
    });
    expect(sent).not.toContain('RuntimeMasked31');
    expect(sent).not.toContain('Box text');
    expect(sent).toContain('Ordinary text');
  });

  it('blocks an element given at run time by marking it, and never weakens a stronger mark', async () => {
    const p = await page();
    const { sent, mark } = await p.evaluate(async () => {
      const rec = (window as any).make();
      rec.start();
      await rec.flush();
      (window as any).sent.length = 0;
      const box = document.getElementById('box')!;
      rec.block(box);
      rec.unmask(box);
      box.insertAdjacentHTML('beforeend', '<b>RuntimeBlocked52</b>');
      await new Promise((r) => setTimeout(r, 50));
      await rec.flush();
      rec.stop();
      return { sent: (window as any).sent.join('\n'), mark: box.getAttribute('data-veil') };
    });
    expect(mark).toBe('block');
    expect(sent).not.toMatch(/RuntimeBlocked52|Box text/);
  });

  it('flush() right after a DOM change sends that change; nothing changed after stop() is sent', async () => {
    const p = await page();
    const texts = await p.evaluate(async () => {
      const rec = (window as any).make({ flushInterval: 60_000 });
      rec.start();
      await new Promise((r) => setTimeout(r, 50));
      document.getElementById('p')!.textContent = 'changed just before flush';
      await rec.flush();
      const afterFlush = (window as any).sent.join('\n');
      document.getElementById('inner')!.textContent = 'changed just before stop';
      rec.stop();
      document.getElementById('inner')!.textContent = 'changed after stop';
      await new Promise((r) => setTimeout(r, 50));
      return { afterFlush, all: (window as any).sent.join('\n') };
    });
    expect(texts.afterFlush).toContain('changed just before flush');
    expect(texts.all).not.toContain('changed after stop');
  });

  it('records single-page navigations with their URLs scrubbed', async () => {
    const p = await page();
    const sent = await p.evaluate(async () => {
      const rec = (window as any).make();
      rec.start();
      history.pushState({}, '', '/orders?token=NavToken88&page=2');
      await rec.flush();
      rec.stop();
      return (window as any).sent.join('\n');
    });
    expect(sent).toContain(NAVIGATION_EVENT);
    expect(sent).toContain('page=2');
    expect(sent).not.toContain('NavToken88');
  });

  it('records one navigation per pushState after restarts, when another library wrapped history after Veil', async () => {
    const p = await page();
    const counts = await p.evaluate(async (navigationTag) => {
      const rec = (window as any).make();
      const navigations = () =>
        (window as any).sent
          .map((b: string) => JSON.parse(b))
          .flatMap((b: any) => b.events)
          .filter((e: any) => e.data?.tag === navigationTag).length;
      const seen: number[] = [];
      rec.start();
      // a router or analytics script wrapping history the usual way, after Veil did
      const inner = history.pushState;
      let wrapperCalls = 0;
      history.pushState = function (...args: Parameters<History['pushState']>) {
        wrapperCalls++;
        return inner.apply(this, args);
      };
      for (const [i, restart] of [
        () => undefined,
        () => (rec.stop(), rec.start()),
        () => (rec.stop(), rec.start()),
        () => (rec.revokeConsent(), rec.grantConsent()),
      ].entries()) {
        restart();
        (window as any).sent.length = 0;
        history.pushState({}, '', `/step-${i}`);
        await rec.flush();
        seen.push(navigations());
      }
      rec.stop();
      return { seen, wrapperCalls };
    }, NAVIGATION_EVENT);
    expect(counts.seen).toEqual([1, 1, 1, 1]);
    // the other library's wrapper stays in place and runs once per call
    expect(counts.wrapperCalls).toBe(4);
  });
});
