// The scrubber on its own, fed raw events as an old or tampered client could
// send them: nothing masked at capture. It must decide everything itself.
import { describe, expect, it } from 'vitest';
import { createLiveScrubber, createScrubber, type ElementHint } from '../../src/engine/scrub';
import {
  EventType,
  IncrementalSource,
  MouseInteraction,
  NAVIGATION_EVENT,
  SerializedNodeType,
  type RecordedEvent,
} from '../../src/engine/protocol';
import { PRIVACY_MODES, type PrivacyMode } from '../../src/engine/vocabulary';

/**
 * A scrubber wired to a stand-in for the live page, as the recorder wires
 * one: the test answers the page's hints and hears its checkout requests, and
 * tells it what the page's watcher would.
 */
function scrubberWithPage(
  options: {
    privacy?: PrivacyMode;
    elementHint?: (id: number, tag: string, slotted: boolean) => ElementHint | undefined;
    nestedTree?: (id: number) => void;
  } = {},
) {
  let checkoutWanted = false;
  const live = createLiveScrubber(options.privacy ?? 'strict', {
    hint: (id, tag, slotted) => options.elementHint?.(id, tag, slotted),
    nestedTree: (id) => options.nestedTree?.(id),
    requestCheckout: () => {
      checkoutWanted = true;
    },
  });
  return {
    scrub: live.scrub,
    takeCheckoutRequest() {
      const wanted = checkoutWanted;
      checkoutWanted = false;
      return wanted;
    },
    noteAttributes: (id: number, attributes: Record<string, string | null>, askAgain?: boolean) =>
      live.note({ kind: 'attributes', id, attributes, askAgain }),
    noteParent: (id: number, parentId: number | null) => live.note({ kind: 'parent', id, parentId }),
    noteHost: (id: number) => live.note({ kind: 'host', id }),
  };
}

let ids = 0;
const el = (tagName: string, attributes: Record<string, unknown> = {}, childNodes: unknown[] = []) => ({
  type: SerializedNodeType.Element,
  id: ++ids,
  tagName,
  attributes,
  childNodes,
});
const text = (textContent: string) => ({ type: SerializedNodeType.Text, id: ++ids, textContent });
const doc = (...children: unknown[]) => ({
  type: SerializedNodeType.Document,
  id: ++ids,
  childNodes: [el('html', {}, [el('body', {}, children)])],
});
const full = (node: unknown): RecordedEvent => ({
  type: EventType.FullSnapshot,
  timestamp: 1,
  data: { node, initialOffset: { top: 0, left: 0 } },
});
const mutation = (data: Record<string, unknown>): RecordedEvent => ({
  type: EventType.IncrementalSnapshot,
  timestamp: 2,
  data: { source: IncrementalSource.Mutation, texts: [], attributes: [], removes: [], adds: [], ...data },
});
const input = (id: number, value: string, isChecked = false): RecordedEvent => ({
  type: EventType.IncrementalSnapshot,
  timestamp: 3,
  data: { source: IncrementalSource.Input, id, text: value, isChecked },
});
const sent = (e: RecordedEvent | null) => JSON.stringify(e);

describe('scrubber', () => {
  it('masks a password typed into a field, in every mode, also after it turned into a text field', () => {
    for (const privacy of PRIVACY_MODES) {
      const pw = el('input', { type: 'password' });
      const s = scrubberWithPage({ privacy });
      s.scrub(full(doc(pw)));
      expect(sent(s.scrub(input(pw.id, 'Hunter2Secret')))).not.toContain('Hunter2');
      s.scrub(mutation({ attributes: [{ id: pw.id, attributes: { type: 'text' } }] }));
      expect(sent(s.scrub(input(pw.id, 'Hunter3Secret')))).not.toContain('Hunter3');
    }
  });

  it('drops the inside of a blocked element and everything later sent about it', () => {
    const inner = el('p', { title: 'BlkTitle' }, [text('BlkText')]);
    const box = el('div', { 'data-veil': 'block', rr_width: '10px', rr_height: '5px', title: 'x' }, [inner]);
    const field = el('input', {});
    const s = scrubberWithPage({ privacy: 'relaxed' });
    const snap = sent(s.scrub(full(doc(box, field))));
    expect(snap).not.toMatch(/BlkTitle|BlkText/);
    expect(snap).toContain('"rr_width":"10px"');
    expect(s.scrub(input(inner.id, 'x'))).toBeNull();
    expect(s.scrub(mutation({ adds: [{ parentId: box.id, nextId: null, node: text('BlkAdded') }] }))).toBeNull();
    expect(s.scrub(mutation({ texts: [{ id: (inner.childNodes[0] as { id: number }).id, value: 'BlkLater' }] }))).toBeNull();
  });

  it('masks text that arrives under a region marked in the same batch', () => {
    const p = el('p', {}, [text('public')]);
    const d = el('div', {}, [p]);
    const s = scrubberWithPage({ privacy: 'relaxed' });
    s.scrub(full(doc(d)));
    const out = sent(
      s.scrub(
        mutation({
          attributes: [{ id: d.id, attributes: { 'data-veil': 'mask' } }],
          adds: [{ parentId: p.id, nextId: null, node: text('MarkedLate77') }],
        }),
      ),
    );
    expect(out).not.toContain('MarkedLate77');
    expect(s.takeCheckoutRequest()).toBe(true);
  });

  it('admits nodes whose parent is added later in the same batch, and refuses orphans', () => {
    const body = el('section');
    const s = scrubberWithPage({ privacy: 'relaxed' });
    s.scrub(full(doc(body)));
    const child = text('Orderly text');
    const parent = el('div', { 'data-veil': 'mask' });
    const out = sent(
      s.scrub(
        mutation({
          adds: [
            { parentId: parent.id, nextId: null, node: child },
            { parentId: body.id, nextId: null, node: parent },
            { parentId: 9999, nextId: null, node: text('OrphanText') },
          ],
        }),
      ),
    );
    expect(out).not.toMatch(/Orderly|OrphanText/);
    expect(out).toContain('"*******');
  });

  it('names each shadow host and frame document as it enters the recording, so the recorder can watch inside', () => {
    const host = el('div', {}, [
      { ...el('p'), isShadow: true },
      { ...text('shadow text'), isShadow: true },
    ]);
    const frame = el('iframe');
    const body = el('main', {}, [host, frame]);
    const nested: number[] = [];
    const s = scrubberWithPage({ nestedTree: (id) => nested.push(id) });
    s.scrub(full(doc(body)));
    expect(nested).toEqual([host.id]);
    const later = el('section');
    const frameDoc = doc();
    s.scrub(
      mutation({
        adds: [
          { parentId: body.id, nextId: null, node: later },
          { parentId: later.id, nextId: null, node: { ...text('in a shadow root attached later'), isShadow: true } },
          { parentId: later.id, nextId: null, node: { ...el('b'), isShadow: true } },
          { parentId: frame.id, nextId: null, node: frameDoc },
        ],
      }),
    );
    expect(nested).toEqual([host.id, later.id, frameDoc.id]);
  });

  it("judges a shadow host's light-DOM children by the slot the page shows them in, asked afresh for each event", () => {
    const para = el('p', { title: 'SlotTitle1' }, [text('SlotPara1')]);
    const lightText = text('SlotDirect1');
    const shadowText = { ...text('ShadowOwn1'), isShadow: true };
    const host = el('pro-card', {}, [para, lightText, { ...el('div', { 'data-veil': 'mask' }, [el('slot')]), isShadow: true }, shadowText]);
    const plain = el('span', {}, [text('NotInAHost1')]);
    // what the live page says: the paragraph and the host's text show in a masked slot
    const shown = { mark: 2 as const };
    let paraHint: { mark?: 2 } = shown;
    const asked: [number, boolean][] = [];
    const s = scrubberWithPage({
      privacy: 'relaxed',
      elementHint: (id, _tag, slotted) => {
        asked.push([id, slotted]);
        return id === para.id ? paraHint : id === host.id ? { text: 2 } : undefined;
      },
    });
    const snap = sent(s.scrub(full(doc(host, plain))));
    expect(snap).not.toMatch(/SlotTitle1|SlotPara1|SlotDirect1/);
    expect(snap).toContain('ShadowOwn1');
    expect(snap).toContain('NotInAHost1');
    expect(asked).toContainEqual([para.id, true]);
    expect(asked).toContainEqual([plain.id, false]);

    // moved to an open slot: recorded from then on
    paraHint = {};
    const moved = sent(s.scrub(mutation({ attributes: [{ id: para.id, attributes: { title: 'SlotTitle2' } }] })));
    expect(moved).toContain('SlotTitle2');
    // and back into the masked one, with nothing else telling the scrubber: masked again, and a fresh snapshot asked for
    paraHint = shown;
    const back = sent(
      s.scrub(
        mutation({
          attributes: [{ id: para.id, attributes: { title: 'SlotTitle3' } }],
          texts: [{ id: lightText.id, value: 'SlotDirect2' }],
        }),
      ),
    );
    expect(back).not.toMatch(/SlotTitle3|SlotDirect2/);
    expect(s.takeCheckoutRequest()).toBe(true);
  });

  it('judges the light-DOM children of an element as slotted once told it became a host, before any shadow content arrives', () => {
    const para = el('p', {}, [text('x')]);
    const div = el('div', {}, [para]);
    const s = scrubberWithPage({
      privacy: 'relaxed',
      elementHint: (id, _tag, slotted) => (id === para.id && slotted ? { mark: 3 } : undefined),
    });
    s.scrub(full(doc(div)));
    // judged once as an ordinary child, and remembered so
    expect(sent(s.scrub(mutation({ texts: [{ id: (para.childNodes[0] as { id: number }).id, value: 'before the host' }] })))).toContain(
      'before the host',
    );
    s.noteHost(div.id);
    const out = sent(
      s.scrub(
        mutation({
          attributes: [{ id: para.id, attributes: { title: 'HostLater1' } }],
          texts: [{ id: (para.childNodes[0] as { id: number }).id, value: 'HostLater2' }],
        }),
      ),
    );
    expect(out).not.toMatch(/HostLater1|HostLater2/);
  });

  it('knows an element rrweb serialized as blocked (class and size only) is blocked, and asks for no fresh snapshot when it changes', () => {
    // rrweb drops every attribute of a blocked element but its class and size, data-veil included
    const chat = el('section', { class: 'chat', rr_width: '300px', rr_height: '200px' });
    const s = scrubberWithPage({ privacy: 'relaxed' });
    s.scrub(full(doc(chat)));
    // the watcher reports the live attributes when the page changes one of them
    s.noteAttributes(chat.id, { 'data-veil': 'block', class: 'chat open', 'aria-label': 'Support' });
    expect(s.takeCheckoutRequest()).toBe(false);
    expect(s.scrub(mutation({ adds: [{ parentId: chat.id, nextId: null, node: text('InsideBlocked1') }] }))).toBeNull();
    // unblocked at run time: a fresh snapshot records what it now may
    s.noteAttributes(chat.id, { 'data-veil': null, class: 'chat open' });
    expect(s.takeCheckoutRequest()).toBe(true);
  });

  it('says nothing about a node removed from the page', () => {
    const field = el('input', { name: 'q' });
    const body = el('div', {}, [field]);
    const s = scrubberWithPage({ privacy: 'relaxed' });
    s.scrub(full(doc(body)));
    expect(s.scrub(mutation({ removes: [{ parentId: body.id, id: field.id }] }))).not.toBeNull();
    expect(s.scrub(input(field.id, 'after removal'))).toBeNull();
    expect(
      s.scrub({
        type: EventType.IncrementalSnapshot,
        timestamp: 4,
        data: { source: IncrementalSource.MouseInteraction, type: MouseInteraction.Click, id: field.id, x: 1, y: 1 },
      }),
    ).toBeNull();
  });

  it('judges every event with what the events and notes before it changed, however many came in between', () => {
    const field = el('input', { name: 'note' });
    const wrap = el('div', {}, [field]);
    const closed = el('div', { class: 'veil-mask' });
    const other = el('input', { name: 'other' });
    const inner = el('input', { name: 'inner' });
    const box = el('div', {}, [inner]);
    const page = doc(wrap, closed, other, box);
    const body = page.childNodes[0].childNodes[0] as { id: number };
    const s = scrubberWithPage({ privacy: 'relaxed' });
    s.scrub(full(page));
    const typed = (id: number, value: string) => sent(s.scrub(input(id, value)));
    expect(typed(field.id, 'open words one')).toContain('open words one');
    expect(typed(field.id, 'open words two')).toContain('open words two');
    // a change that does not classify anything differently changes nothing
    s.scrub(mutation({ attributes: [{ id: wrap.id, attributes: { class: 'card wide' } }] }));
    expect(typed(field.id, 'open words three')).toContain('open words three');
    s.scrub(mutation({ attributes: [{ id: wrap.id, attributes: { class: 'card veil-mask' } }] }));
    expect(typed(field.id, 'MemoMarked41')).not.toContain('MemoMarked41');
    s.scrub(mutation({ attributes: [{ id: wrap.id, attributes: { class: 'card' } }] }));
    expect(typed(field.id, 'open words four')).toContain('open words four');
    // moved by the page, before rrweb says so
    s.noteParent(field.id, closed.id);
    expect(typed(field.id, 'MemoMoved52')).not.toContain('MemoMoved52');
    s.noteParent(field.id, wrap.id);
    expect(typed(field.id, 'open words five')).toContain('open words five');
    s.noteParent(field.id, null);
    expect(s.scrub(input(field.id, 'MemoGone63'))).toBeNull();
    s.noteParent(field.id, wrap.id);
    expect(typed(field.id, 'open words six')).toContain('open words six');
    // added again under a masked parent, with or without a removal first
    s.scrub(mutation({ adds: [{ parentId: closed.id, nextId: null, node: { ...field, childNodes: [] } }] }));
    expect(typed(field.id, 'MemoReadded74')).not.toContain('MemoReadded74');
    expect(typed(inner.id, 'inner words')).toContain('inner words');
    s.scrub(mutation({ adds: [{ parentId: closed.id, nextId: null, node: { ...box, childNodes: [] } }] }));
    expect(typed(inner.id, 'MemoCarried85')).not.toContain('MemoCarried85');
    s.noteParent(field.id, wrap.id);
    expect(typed(field.id, 'open words seven')).toContain('open words seven');
    s.scrub(
      mutation({
        removes: [{ parentId: wrap.id, id: field.id }],
        adds: [{ parentId: closed.id, nextId: null, node: { ...field, childNodes: [] } }],
      }),
    );
    expect(typed(field.id, 'MemoMovedAgain96')).not.toContain('MemoMovedAgain96');
    // an ancestor leaves the page: nothing more about what it held
    expect(typed(other.id, 'other words')).toContain('other words');
    s.scrub(mutation({ removes: [{ parentId: body.id, id: closed.id }] }));
    expect(s.scrub(input(field.id, 'MemoDetached87'))).toBeNull();
    expect(typed(other.id, 'still other words')).toContain('still other words');
  });

  it('keeps ordinary text and values where the mode records them', () => {
    const q = el('input', { type: 'search', name: 'q' });
    const s = scrubberWithPage({ privacy: 'relaxed' });
    const snap = sent(s.scrub(full(doc(el('h1', {}, [text('Plain Headline')]), q))));
    expect(snap).toContain('Plain Headline');
    expect(sent(s.scrub(input(q.id, 'blue shoes')))).toContain('blue shoes');
  });

  it('masks page text in strict mode except in unmask regions', () => {
    const s = scrubberWithPage({ privacy: 'strict' });
    const snap = sent(s.scrub(full(doc(el('p', {}, [text('Hidden words')]), el('p', { 'data-veil': 'unmask' }, [text('Shown words')])))));
    expect(snap).not.toContain('Hidden words');
    expect(snap).toContain('Shown words');
  });

  it('scrubs the page URL, custom navigation events and drops events it does not know', () => {
    const s = scrubberWithPage();
    expect(
      sent(s.scrub({ type: EventType.Meta, timestamp: 0, data: { href: 'https://x.example/r?token=Tok123&a=1', width: 1, height: 1 } })),
    ).not.toContain('Tok123');
    expect(
      sent(s.scrub({ type: EventType.Custom, timestamp: 0, data: { tag: NAVIGATION_EVENT, payload: { href: '/o?email=a%40b.example' } } })),
    ).not.toContain('a%40b');
    expect(s.scrub({ type: EventType.Custom, timestamp: 0, data: { tag: 'other', payload: {} } })).toBeNull();
    expect(s.scrub({ type: EventType.Plugin, timestamp: 0, data: { plugin: 'console', payload: {} } })).toBeNull();
    expect(
      s.scrub({ type: EventType.IncrementalSnapshot, timestamp: 0, data: { source: IncrementalSource.Log, payload: ['x'] } }),
    ).toBeNull();
    expect(s.scrub({ type: 99, timestamp: 0, data: {} })).toBeNull();
  });

  it('finds every node however its ids are spread, and none by an id that is not a number', () => {
    const s = scrubberWithPage({ privacy: 'relaxed' });
    const field = el('input', { name: 'q' });
    const body = el('div', { 'data-veil': 'mask' }, [field]);
    s.scrub(full(doc(body)));
    // far beyond the snapshot's ids, and below them
    const far = { type: SerializedNodeType.Text, id: 1_000_000, textContent: 'FarAway1' };
    const below = { type: SerializedNodeType.Text, id: -5, textContent: 'BelowZero1' };
    const out = sent(
      s.scrub(
        mutation({
          adds: [
            { parentId: body.id, nextId: null, node: far },
            { parentId: body.id, nextId: null, node: below },
          ],
        }),
      ),
    );
    expect(out).not.toMatch(/FarAway1|BelowZero1/);
    expect(out).toContain('1000000');
    expect(
      sent(
        s.scrub(
          mutation({
            texts: [
              { id: 1_000_000, value: 'FarLater1' },
              { id: -5, value: 'BelowLater1' },
            ],
          }),
        ),
      ),
    ).not.toMatch(/FarLater1|BelowLater1/);
    expect(s.scrub(mutation({ removes: [{ parentId: body.id, id: 1_000_000 }] }))).not.toBeNull();
    expect(s.scrub(mutation({ texts: [{ id: 1_000_000, value: 'Gone1' }] }))).toBeNull();
    // the same id as a string names no node
    expect(s.scrub(input(String(field.id) as never, 'StringId1'))).toBeNull();
    expect(s.scrub(mutation({ adds: [{ parentId: String(body.id), nextId: null, node: text('StringParent1') }] }))).toBeNull();
    // a fresh snapshot numbers its nodes anew: the old ones are gone
    const again = el('p', {}, [text('fresh')]);
    s.scrub(full(doc(again)));
    expect(s.scrub(input(field.id, 'OldId1'))).toBeNull();
    expect(sent(s.scrub(mutation({ texts: [{ id: (again.childNodes[0] as { id: number }).id, value: 'kept text' }] })))).toContain(
      'kept text',
    );
  });

  it('reclassifies an element when a class brings or takes a veil- marker, and not for other class changes', () => {
    const p = el('p', { class: 'intro' }, [text('hello')]);
    const s = scrubberWithPage({ privacy: 'relaxed' });
    s.scrub(full(doc(p)));
    const textId = (p.childNodes[0] as { id: number }).id;
    s.scrub(mutation({ attributes: [{ id: p.id, attributes: { class: 'intro wide' } }] }));
    expect(s.takeCheckoutRequest()).toBe(false);
    expect(sent(s.scrub(mutation({ texts: [{ id: textId, value: 'still public' }] })))).toContain('still public');
    s.scrub(mutation({ attributes: [{ id: p.id, attributes: { class: 'intro veil-mask' } }] }));
    expect(s.takeCheckoutRequest()).toBe(true);
    expect(sent(s.scrub(mutation({ texts: [{ id: textId, value: 'ClassMasked1' }] })))).not.toContain('ClassMasked1');
    s.scrub(mutation({ attributes: [{ id: p.id, attributes: { class: 'intro' } }] }));
    expect(sent(s.scrub(mutation({ texts: [{ id: textId, value: 'public again' }] })))).toContain('public again');
  });

  it('judges a node that an earlier event named before it was added', () => {
    const box = el('div', { 'data-veil': 'mask' });
    const s = scrubberWithPage({ privacy: 'relaxed' });
    s.scrub(full(doc(box)));
    const field = el('input', { name: 'note' });
    // an input event about a node not in the recording yet: nothing sent, nothing remembered
    expect(s.scrub(input(field.id, 'TooEarly1'))).toBeNull();
    s.scrub(mutation({ adds: [{ parentId: box.id, nextId: null, node: field }] }));
    expect(sent(s.scrub(input(field.id, 'AddedLater1')))).not.toContain('AddedLater1');
    expect(s.scrub(input(field.id, 'x'))).not.toBeNull();
  });

  it('offers only scrub() to its users: the page-facing side stays inside the recorder', () => {
    const s = createScrubber({ privacy: 'relaxed' });
    expect(Object.keys(s)).toEqual(['scrub']);
  });

  it('survives malformed events without throwing', () => {
    const s = createScrubber();
    for (const bad of [
      null,
      {},
      { type: EventType.FullSnapshot, data: {} },
      { type: EventType.IncrementalSnapshot, data: { source: IncrementalSource.Mutation, adds: 'x' } },
      { type: EventType.IncrementalSnapshot, data: { source: IncrementalSource.Input } },
    ]) {
      expect(() => s.scrub(bad as never)).not.toThrow();
    }
  });
});

describe('personal data read across nodes, in a snapshot the scrubber gets unmasked', () => {
  it('masks each piece of a card number shown one group per <span> and of an address split into text nodes, keeping the rest', () => {
    for (const privacy of ['balanced', 'relaxed'] as const) {
      const card = el('p', {}, [
        text('Card '),
        ...'4762 6388 7394 2731'.split(' ').flatMap((g, i) => [...(i ? [text(' ')] : []), el('span', {}, [text(g)])]),
        text(' on file'),
      ]);
      const mail = el('p', {}, [text('Write to '), text('vx.split'), text('@'), text('inbox.example.org')]);
      const out = sent(createScrubber({ privacy }).scrub(full(doc(card, mail))));
      for (const piece of ['4762', '6388', '7394', '2731', 'vx.split', 'inbox.example'])
        expect(out, `${privacy}: ${piece}`).not.toContain(piece);
      expect(out).toContain('Card ');
      expect(out).toContain(' on file');
      expect(out).toContain('Write to ');
    }
  });

  it('does not read two paragraphs as one line', () => {
    const out = sent(
      createScrubber({ privacy: 'relaxed' }).scrub(full(doc(el('p', {}, [text('4762 6388')]), el('p', {}, [text('7394 2731')])))),
    );
    expect(out).toContain('4762 6388');
    expect(out).toContain('7394 2731');
  });
});
