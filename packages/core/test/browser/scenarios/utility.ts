// What each mode must still record: a recorder that records nothing leaks
// nothing, so these scenarios pin down what a replay has to show, and what
// masked values may look like.
import type { Page } from 'playwright-core';
import { expectPlaceholders, findNodes, recordedValues, seq, typeInto, type Scenario } from '../harness';
import { EventType, IncrementalSource, SerializedNodeType } from '../../../src/engine/protocol';

const run = (fn: () => void) => (page: Page) => page.evaluate(fn);

/** Text of the direct text children of the element with the given id, as recorded (snapshot and text mutations). */
function recordedText(rec: { events: any[] }, elementId: string): string[] {
  const nodes = findNodes(rec.events, (a) => a.id === elementId);
  const out: string[] = [];
  const textIds = new Set<number>();
  for (const n of nodes) {
    for (const c of n.childNodes ?? []) {
      if (c.type === SerializedNodeType.Text && typeof c.textContent === 'string') {
        out.push(c.textContent);
        textIds.add(c.id);
      }
    }
  }
  for (const e of rec.events) {
    if (e.type === EventType.IncrementalSnapshot && e.data?.source === IncrementalSource.Mutation) {
      for (const t of e.data.texts ?? []) if (textIds.has(t.id) && typeof t.value === 'string') out.push(t.value);
    }
  }
  return out;
}

const readable: Scenario[] = [
  {
    name: 'keeps an ordinary page readable: headline, unmask region, and a search term in relaxed',
    html: `<h1>Vx1Ca welcome headline</h1><div data-veil="unmask"><p>Vx1Ca unmasked notice</p></div>
      <form><input id="q" type="search" name="q"></form>`,
    steps: typeInto('#q', 'vx1ca blue running shoes'),
    mustRecord: {
      strict: ['Vx1Ca unmasked notice'],
      balanced: ['Vx1Ca welcome headline', 'Vx1Ca unmasked notice'],
      relaxed: ['Vx1Ca welcome headline', 'Vx1Ca unmasked notice', 'vx1ca blue running shoes'],
    },
    mustNotRecord: {
      strict: ['Vx1Ca welcome headline', 'vx1ca blue running shoes'],
      balanced: ['vx1ca blue running shoes'],
    },
  },
  {
    name: 'records ordinary values typed into a text field and a textarea in relaxed mode only',
    html: `<form><input id="t" type="text" name="q"><textarea id="ta" name="feedback"></textarea></form>`,
    steps: seq(typeInto('#t', 'VxRlxTyp4Bd6'), typeInto('#ta', 'Vx4Bd the sizing runs small')),
    mustRecord: { relaxed: ['VxRlxTyp4Bd6', 'Vx4Bd the sizing runs small'] },
    mustNotRecord: {
      strict: ['VxRlxTyp4Bd6', 'Vx4Bd the sizing runs small'],
      balanced: ['VxRlxTyp4Bd6', 'Vx4Bd the sizing runs small'],
    },
  },
  {
    name: 'records ordinary text changed after start in balanced and relaxed',
    html: `<p id="p">loading</p>`,
    steps: run(() => {
      document.getElementById('p')!.textContent = 'Vx5Nk three items in your basket';
    }),
    mustRecord: { balanced: ['Vx5Nk three items in your basket'], relaxed: ['Vx5Nk three items in your basket'] },
    mustNotRecord: { strict: ['Vx5Nk three items in your basket'] },
  },
  {
    name: 'records input values inside an unmask region in balanced and relaxed but not in strict',
    html: `<form data-veil="unmask"><input id="c" type="text" name="coupon"></form>`,
    steps: typeInto('#c', 'VxUnmCpn3Hq8'),
    mustRecord: { balanced: ['VxUnmCpn3Hq8'], relaxed: ['VxUnmCpn3Hq8'] },
    mustNotRecord: { strict: ['VxUnmCpn3Hq8'] },
  },
  {
    name: 'records text selected by the unmask option in strict mode',
    html: `<h2 class="product-title">Vx7Lp linen summer shirt</h2><p>Vx7Lp product description</p>`,
    options: { unmask: ['.product-title'] },
    mustRecord: { strict: ['Vx7Lp linen summer shirt'], balanced: ['Vx7Lp linen summer shirt'] },
    mustNotRecord: { strict: ['Vx7Lp product description'] },
  },
  {
    name: 'records text of an unmask region added after start in strict mode',
    html: `<main id="m"></main>`,
    steps: run(() => {
      document.getElementById('m')!.insertAdjacentHTML('beforeend', '<div data-veil="unmask"><p>Vx2Sj late notice</p></div>');
    }),
    mustRecord: { strict: ['Vx2Sj late notice'] },
  },
  {
    name: 'records text changed after recorder.unmask(element) at run time in strict mode',
    html: `<div id="d"><p id="p">before</p></div>`,
    steps: run(() => {
      window.__veil.recorder.unmask(document.getElementById('d'));
      document.getElementById('p')!.textContent = 'Vx6Wv now unmasked';
    }),
    mustRecord: { strict: ['Vx6Wv now unmasked'] },
  },
];

const placeholders: Scenario[] = [
  {
    name: 'masks an ordinary field in strict and balanced with at most its length of placeholder characters',
    html: `<form><input id="t" type="text" name="q"></form>`,
    steps: typeInto('#t', 'KqMw4827Tn'),
    mustNotRecord: { strict: ['KqMw4827Tn'], balanced: ['KqMw4827Tn'] },
    mustRecord: { relaxed: ['KqMw4827Tn'] },
    check: (rec, mode, expect) => {
      if (mode !== 'relaxed') expectPlaceholders(expect, recordedValues(rec.events, 't'), 'KqMw4827Tn');
    },
  },
  {
    name: 'masks a password with at most its length of placeholder characters in every mode',
    html: `<form><input id="pw" type="password" name="f0" value="BgRt52Lk"></form>`,
    steps: typeInto('#pw', 'Hz73Pq'),
    canaries: ['BgRt52LkHz73Pq', 'BgRt52Lk', 'Hz73Pq'],
    check: (rec, _mode, expect) => {
      expectPlaceholders(expect, recordedValues(rec.events, 'pw'), 'BgRt52LkHz73Pq');
    },
  },
  {
    name: 'masks text in a masked region with at most its length of placeholder characters',
    html: `<div data-veil="mask"><p id="m">QrTz90Wb</p></div>`,
    steps: run(() => {
      document.getElementById('m')!.firstChild!.textContent = 'NpLk31Gd5';
    }),
    canaries: ['QrTz90Wb', 'NpLk31Gd5'],
    check: (rec, _mode, expect) => {
      const texts = recordedText(rec, 'm');
      expectPlaceholders(expect, texts.slice(0, 1), 'QrTz90Wb');
      expectPlaceholders(expect, texts.slice(1), 'NpLk31Gd5');
    },
  },
];

const protocol: Scenario[] = [
  {
    name: 'sends well-formed batches: v 1, one session id, seq from 0 without gaps, meta then full snapshot',
    html: `<p id="p">x</p><input id="q" name="q">`,
    steps: async (page) => {
      for (let i = 0; i < 5; i++) {
        await page.evaluate((i) => {
          document.getElementById('p')!.textContent = `step ${i}`;
        }, i);
        await page.evaluate(() => window.__veil.recorder.flush());
      }
      await typeInto('#q', 'abc')(page);
    },
    check: (rec, _mode, expect) => {
      expect(rec.batches.length).toBeGreaterThan(0);
      const ids = new Set(rec.batches.map((b) => b.sessionId));
      expect(ids.size, 'one session id across batches').toBe(1);
      expect(typeof rec.batches[0].sessionId).toBe('string');
      rec.batches.forEach((b, i) => {
        expect(b.v).toBe(1);
        expect(b.seq, 'batch sequence numbers').toBe(i);
        expect(Array.isArray(b.events)).toBe(true);
      });
      const types = rec.events.map((e) => e.type);
      const meta = types.indexOf(4);
      const full = types.indexOf(2);
      expect(meta, 'a meta event (type 4)').toBeGreaterThanOrEqual(0);
      expect(full, 'the full snapshot follows the meta event').toBeGreaterThan(meta);
      for (let i = 1; i < rec.events.length; i++) {
        expect(rec.events[i].timestamp, 'events in recording order').toBeGreaterThanOrEqual(rec.events[i - 1].timestamp);
      }
      expect(
        rec.events.some((e) => e.type === EventType.IncrementalSnapshot),
        'incremental events for the changes',
      ).toBe(true);
    },
  },
  {
    // what React does around every input event of a field: empty its name,
    // set its type, set its name back; rrweb reports the name each time
    name: 'sends an attribute set again to the value already sent once, and every real change',
    html: `<input id="q" name="q" type="search"><script>
      document.getElementById('q').addEventListener('input', (e) => {
        const field = e.target;
        field.name = '';
        field.type = 'search';
        field.name = 'q';
      });</script>`,
    steps: seq(
      typeInto('#q', 'waxed canvas'),
      run(() => {
        const field = document.getElementById('q') as HTMLInputElement;
        field.name = 'query';
      }),
      run(() => {
        (document.getElementById('q') as HTMLInputElement).name = 'q';
      }),
    ),
    check: (rec, _mode, expect) => {
      const [field] = findNodes(rec.events, (a) => a.id === 'q');
      const names = rec.events
        .filter((e) => e.type === EventType.IncrementalSnapshot && e.data.source === IncrementalSource.Mutation)
        .flatMap((e) => e.data.attributes)
        .filter((change: any) => change.id === field.id && 'name' in change.attributes)
        .map((change: any) => change.attributes.name);
      // the first keystroke's report, then the two real changes
      expect(names).toEqual(['q', 'query', 'q']);
    },
  },
];

export const utilityScenarios = { readable, placeholders, protocol };
