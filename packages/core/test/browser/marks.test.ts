// The marks a page writes, however it spells them, mean the same to every
// layer: the selectors rrweb and the capture layer match (made from the
// classifier's table) and the classifier itself. A mark the classifier reads
// as a block that rrweb does not block would be serialized in full and left
// to the scrubber alone.
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '../../src/engine/protocol';
import { coreDir } from './harness';
import { servePages } from './page-server';

// Spellings a page may produce: spaces around the word (templates), case,
// several words, unknown words, whitespace HTML does not split on (no-break
// space), a Unicode letter that lower-cases to ASCII (the Kelvin sign), classes.
const SPELLINGS: { attributes: Record<string, string> }[] = [
  { attributes: { 'data-veil': 'block' } },
  { attributes: { 'data-veil': ' block ' } },
  { attributes: { 'data-veil': '\tBLOCK\n' } },
  { attributes: { 'data-veil': 'mask block' } },
  { attributes: { 'data-veil': 'block unmask' } },
  { attributes: { 'data-veil': '\u00a0block' } },
  { attributes: { 'data-veil': 'bloc\u212a' } },
  { attributes: { 'data-veil': 'blocked' } },
  { attributes: { 'data-veil': 'mask' } },
  { attributes: { 'data-veil': '' } },
  { attributes: { 'data-veil': 'unmask' } },
  { attributes: { class: 'card veil-block' } },
  { attributes: { class: 'card\u00a0veil-block' } },
  { attributes: { class: 'Veil-Block' } },
  { attributes: { 'data-veil': 'unmask', class: 'veil-block' } },
];

const ENTRY = `
import { BLOCK, MARK_BLOCK_SELECTOR, REGION_MARKER_SELECTOR, modeLevel, ownFacts, tagFacts } from './src/engine/classify';
export function judge(el) {
  const facts = ownFacts(el.localName, (n) => el.getAttribute(n), modeLevel('relaxed'));
  return {
    classifierBlocks: facts.mark === BLOCK,
    selectorBlocks: el.matches(MARK_BLOCK_SELECTOR),
    // an element the region selector misses is judged by its tag alone
    tagOnly: !el.matches(REGION_MARKER_SELECTOR) && facts.mark !== tagFacts(el.localName, modeLevel('relaxed')).mark,
  };
}
`;

let judgeScript = '';
const pages = servePages((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><html><head><script src="/veil.js"></script></head><body><main id="main"></main></body></html>');
});

beforeAll(async () => {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: coreDir, loader: 'ts', sourcefile: 'marks-entry.ts' },
    bundle: true,
    format: 'iife',
    globalName: 'Marks',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  judgeScript = out.outputFiles[0].text;
});

describe('marks, however they are spelled', () => {
  it('are blocked by the selectors exactly where the classifier blocks, and no marked element is judged by its tag alone', async () => {
    const page = await pages.browser.newPage();
    await page.goto(pages.base);
    await page.addScriptTag({ content: judgeScript });
    const verdicts = await page.evaluate((spellings) => {
      return spellings.map(({ attributes }) => {
        const el = document.createElement('section');
        for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
        document.body.append(el);
        return { attributes, ...(window as any).Marks.judge(el) };
      });
    }, SPELLINGS);
    for (const verdict of verdicts) {
      expect(verdict.selectorBlocks, JSON.stringify(verdict.attributes)).toBe(verdict.classifierBlocks);
      expect(verdict.tagOnly, JSON.stringify(verdict.attributes)).toBe(false);
    }
    // the spellings of a block in the list are blocks, the others are not
    expect(verdicts.filter((v) => v.classifierBlocks).map((v) => JSON.stringify(v.attributes))).toEqual(
      [0, 1, 2, 3, 4, 11, 14].map((i) => JSON.stringify(SPELLINGS[i].attributes)),
    );
    await page.close();
  });

  it('leaves a block written with spaces around the word to rrweb itself: never serialized, only sized', async () => {
    const page = await pages.browser.newPage();
    await page.goto(pages.base);
    const snapshot = await page.evaluate(async () => {
      document.getElementById('main')!.innerHTML = '<section id="chat" data-veil=" block "><p>SpacedBlockText1</p></section>';
      const sent: string[] = [];
      const rec = (window as any).Veil.createRecorder({ privacy: 'relaxed', transport: (b: unknown) => void sent.push(JSON.stringify(b)) });
      rec.start();
      await rec.flush();
      rec.stop();
      return sent.join('\n');
    });
    expect(snapshot).not.toContain('SpacedBlockText1');
    const events = snapshot.split('\n').flatMap((b) => JSON.parse(b).events);
    const full = JSON.stringify(events.find((e: { type: number }) => e.type === EventType.FullSnapshot));
    // rrweb writes the size of what it blocked; an element only the scrubber emptied has none
    expect(full).toMatch(/"rr_width":"\d+(\.\d+)?px"/);
    await page.close();
  });
});
