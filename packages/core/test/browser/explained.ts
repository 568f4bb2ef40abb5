// Does the explanation (src/explain) say what the recorder did? After each
// leak-suite recording, every text node and form value of the page is
// explained in the page, and each outcome is held against what the recording
// ends with: "recorded" text must be in the replayed page as it is, "masked"
// and "blocked" text must not be, and "never recorded" content must be
// nowhere in what reached the transport.
import { EventType, IncrementalSource, SerializedNodeType, type RecordedEvent } from '../../src/engine/protocol';

/** One piece of the live page and what the explanation says happens to it. */
export interface Probe {
  what: 'text' | 'value';
  content: string;
  outcome: 'recorded' | 'masked' | 'blocked' | 'never recorded';
  summary: string;
  where: string;
}

/**
 * Runs in the page after recording stopped, with window.VeilExplain loaded:
 * explains every non-blank text node and every form value, through open
 * shadow roots and same-origin frames.
 */
export function probePage(arg: { mode: string; options: Record<string, unknown> }): Probe[] {
  const runtime = (window as any).__veil?.runtime ?? { mask: [], block: [], unmask: [] };
  const configured = (kind: string) => [...((arg.options[kind] as string[] | undefined) ?? []), ...runtime[kind]];
  const explainer = (window as any).VeilExplain.createExplainer({
    privacy: arg.mode,
    mask: configured('mask'),
    block: configured('block'),
    unmask: configured('unmask'),
  });
  const out: Probe[] = [];
  const where = (el: Element) => (window as any).VeilExplain.describeElement(el);
  const walk = (node: Node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        const text = child as Text;
        if (!text.data.trim()) continue;
        const e = explainer.explain(text);
        out.push({
          what: 'text',
          content: text.data,
          outcome: e.outcome,
          summary: e.summary,
          where: text.parentElement ? where(text.parentElement) : 'shadow root',
        });
      } else if (child.nodeType === 1) {
        const el = child as HTMLInputElement;
        const tag = el.localName;
        const choice = tag === 'input' && ['checkbox', 'radio', 'button', 'submit', 'reset', 'image'].includes(el.type);
        if ((tag === 'input' || tag === 'textarea' || tag === 'select') && !choice && el.value) {
          const e = explainer.explain(el);
          out.push({ what: 'value', content: el.value, outcome: e.outcome, summary: e.summary, where: where(el) });
        }
        if (el.shadowRoot) walk(el.shadowRoot);
        if (tag === 'iframe') {
          try {
            const doc = (el as unknown as HTMLIFrameElement).contentDocument;
            if (doc?.documentElement) walk(doc);
          } catch {
            // another origin: not recorded, not explained
          }
        }
        walk(el);
      }
    }
  };
  walk(document);
  return out;
}

interface FinalNode {
  type: number;
  text: string;
  value?: string;
}

/** The text nodes and values the recording ends with: the last full snapshot with every change after it applied. */
function finalState(events: readonly RecordedEvent[]): { texts: string[]; values: string[] } {
  let nodes = new Map<number, FinalNode>();
  const add = (s: any) => {
    const attrs = s.attributes ?? {};
    nodes.set(s.id, { type: s.type, text: s.textContent ?? '', value: typeof attrs.value === 'string' ? attrs.value : undefined });
    for (const child of s.childNodes ?? []) add(child);
  };
  const removeTree = new Map<number, number[]>();
  for (const event of events) {
    const data = event.data as any;
    if (event.type === EventType.FullSnapshot) {
      nodes = new Map();
      removeTree.clear();
      add(data.node);
    } else if (event.type === EventType.IncrementalSnapshot && data?.source === IncrementalSource.Mutation) {
      for (const r of data.removes ?? []) nodes.delete(r.id);
      for (const a of data.adds ?? []) add(a.node);
      for (const t of data.texts ?? []) {
        const node = nodes.get(t.id);
        if (node && typeof t.value === 'string') node.text = t.value;
      }
      for (const a of data.attributes ?? []) {
        const node = nodes.get(a.id);
        if (node && a.attributes && 'value' in a.attributes) node.value = a.attributes.value ?? undefined;
      }
    } else if (event.type === EventType.IncrementalSnapshot && data?.source === IncrementalSource.Input) {
      const node = nodes.get(data.id);
      if (node && typeof data.text === 'string') node.value = data.text;
    }
  }
  const texts: string[] = [];
  const values: string[] = [];
  for (const node of nodes.values()) {
    if (node.type === SerializedNodeType.Text) texts.push(node.text);
    if (node.value !== undefined) values.push(node.value);
  }
  return { texts, values };
}

/**
 * The probes whose outcome the recording contradicts. Only content that is
 * distinctive is held against it: four characters or more with a letter or
 * digit, and no other probe containing it or contained in it, so that the
 * same words recorded elsewhere on the page cannot answer for it.
 */
export function disagreements(probes: readonly Probe[], events: readonly RecordedEvent[], sent: string): string[] {
  const { texts, values } = finalState(events);
  const distinctive = probes.filter((p) => {
    const c = p.content.trim();
    if (c.length < 4 || !/[\p{L}\p{N}]/u.test(c)) return false;
    return probes.every((q) => q === p || (!q.content.includes(c) && !c.includes(q.content.trim())));
  });
  const out: string[] = [];
  for (const p of distinctive) {
    const c = p.content.trim();
    const inReplay = texts.some((t) => t.includes(c)) || values.some((v) => v === p.content || v.includes(c));
    const inSent = sent.includes(c);
    // What a mark set at run time blocks may have been recorded before it (the
    // replay then loses it); a secret field never sends its value at all.
    let wrong: boolean;
    if (p.outcome === 'recorded') wrong = !inReplay;
    else if (p.outcome === 'never recorded') wrong = inSent;
    else wrong = inReplay;
    if (wrong) {
      out.push(
        `${p.what} ${JSON.stringify(c.slice(0, 60))} at ${p.where}: explained "${p.summary}", but it is ${inReplay ? 'in the replayed page' : inSent ? 'sent, though not in the replayed page' : 'not in the replayed page'}`,
      );
    }
  }
  return out;
}
