// "Record form inputs: off" as the collector scrubs it (the core's scrubber
// with the site's recordInputs): every value a visitor types or chooses is
// masked, also in nodes added later and in value changes.
import { describe, expect, it } from 'vitest';
import { EventType, IncrementalSource, SerializedNodeType, type RecordedEvent } from '@veil/core/engine';
import { createSiteScrubber } from '../src/recordings/scrubbing';
import { inputEvent } from './helpers';

const el = (id: number, tagName: string, attributes: Record<string, unknown>, childNodes: unknown[] = []) => ({
  type: SerializedNodeType.Element,
  id,
  tagName,
  attributes,
  childNodes,
});
const text = (id: number, textContent: string) => ({ type: SerializedNodeType.Text, id, textContent });
const snapshot = (body: unknown[]) =>
  ({
    type: EventType.FullSnapshot,
    timestamp: 2,
    data: {
      node: { type: SerializedNodeType.Document, id: 1, childNodes: [el(2, 'html', {}, [el(3, 'head', {}), el(4, 'body', {}, body)])] },
      initialOffset: { left: 0, top: 0 },
    },
  }) as unknown as RecordedEvent;
const mutation = (data: Record<string, unknown>) =>
  ({
    type: EventType.IncrementalSnapshot,
    timestamp: 3,
    data: { source: IncrementalSource.Mutation, texts: [], attributes: [], removes: [], adds: [], ...data },
  }) as unknown as RecordedEvent;
const meta = {
  type: EventType.Meta,
  timestamp: 1,
  data: { href: 'https://shop.example/', width: 800, height: 600 },
} as unknown as RecordedEvent;

function run(recordInputs: boolean, events: RecordedEvent[]) {
  const scrubber = createSiteScrubber({ privacy: 'relaxed', recordInputs });
  return JSON.stringify(events.map((e) => scrubber.scrub(structuredClone(e))).filter(Boolean));
}

describe('record form inputs off', () => {
  const events = [
    meta,
    snapshot([el(5, 'p', {}, [text(6, 'Plain page text')]), el(7, 'div', { id: 'slot' })]),
    // a form the page adds later, with a value already in it, then typing and a script's change
    mutation({
      adds: [
        { parentId: 7, nextId: null, node: el(20, 'input', { type: 'search', value: 'Added-Value-1x' }) },
        { parentId: 7, nextId: null, node: el(21, 'textarea', {}) },
        { parentId: 21, nextId: null, node: text(22, 'Added-Area-2y') },
        { parentId: 7, nextId: null, node: el(23, 'option', { selected: true, value: 'a' }) },
      ],
    }),
    inputEvent(20, 'Typed-Later-3z', 4) as unknown as RecordedEvent,
    mutation({
      attributes: [
        { id: 20, attributes: { value: 'Script-Set-4w' } },
        { id: 23, attributes: { selected: true } },
      ],
      texts: [{ id: 22, value: 'Area-Text-5v' }],
    }),
  ];

  it('masks the values of controls added later, typed into, or changed by script', () => {
    const out = run(false, events);
    for (const secret of ['Added-Value-1x', 'Added-Area-2y', 'Typed-Later-3z', 'Script-Set-4w', 'Area-Text-5v'])
      expect(out).not.toContain(secret);
    expect(out).not.toContain('"selected"');
    expect(out).toContain('Plain page text');
    expect(out).toContain('*************');
  });

  it('changes nothing when form inputs are recorded (a relaxed site keeps an ordinary search field)', () => {
    const out = run(true, events);
    expect(out).toContain('Typed-Later-3z');
  });
});
