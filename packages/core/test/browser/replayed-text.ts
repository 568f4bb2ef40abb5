// What a reader of the replay sees: the recorded events applied to a tree of
// the serialized nodes, read as text line by line, at the end of each
// recorded page state (before each full snapshot replaces it, and at the
// end). A value split across text nodes is in no single string of the
// recording, but here it is whole, as the replay shows it. Lines are
// separated by a character the leak search never removes, so two
// paragraphs are not read as one value.
import { EventType, IncrementalSource, SerializedNodeType, type RecordedEvent } from '../../src/engine/protocol';

/** Between two lines of the replayed page. */
export const LINE_BREAK = '\u0001';

// The test's own model of which elements a reader reads through, written
// from HTML's phrasing content, not taken from the code under test.
const READ_THROUGH = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'cite',
  'code',
  'data',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'ins',
  'kbd',
  'label',
  'mark',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
  'var',
  'big',
  'tt',
  'nobr',
  'strike',
  'output',
]);
const NOT_SHOWN = new Set(['script', 'style', 'noscript', 'template', 'head', 'title']);

interface ReplayNode {
  type: number;
  tag: string;
  text: string;
  children: ReplayNode[];
  parent: ReplayNode | null;
}

interface Serialized {
  id: number;
  type: number;
  tagName?: string;
  textContent?: string;
  childNodes?: Serialized[];
}

export function replayedText(events: readonly RecordedEvent[]): string {
  const states: string[] = [];
  let nodes = new Map<number, ReplayNode>();
  let root: ReplayNode | null = null;

  const build = (s: Serialized, parent: ReplayNode | null): ReplayNode => {
    const node: ReplayNode = { type: s.type, tag: String(s.tagName ?? '').toLowerCase(), text: s.textContent ?? '', children: [], parent };
    nodes.set(s.id, node);
    for (const child of s.childNodes ?? []) node.children.push(build(child, node));
    return node;
  };
  const detach = (node: ReplayNode) => {
    if (!node.parent) return;
    const siblings = node.parent.children;
    siblings.splice(siblings.indexOf(node), 1);
    node.parent = null;
  };

  for (const event of events) {
    const data = event.data as Record<string, any>;
    if (event.type === EventType.FullSnapshot) {
      if (root) states.push(read(root));
      nodes = new Map();
      root = build(data.node, null);
    } else if (event.type === EventType.IncrementalSnapshot && data?.source === IncrementalSource.Mutation) {
      for (const r of data.removes ?? []) {
        const node = nodes.get(r.id);
        if (node) detach(node);
      }
      // an add may name a parent added later in the same list
      let pending: any[] = [...(data.adds ?? [])];
      for (let progress = true; pending.length && progress;) {
        progress = false;
        const later: any[] = [];
        for (const add of pending) {
          const parent = nodes.get(add.parentId);
          if (!parent) {
            later.push(add);
            continue;
          }
          progress = true;
          const existing = nodes.get(add.node.id);
          if (existing) detach(existing);
          const node = build(add.node, parent);
          const next = add.nextId == null ? undefined : nodes.get(add.nextId);
          const at = next ? parent.children.indexOf(next) : -1;
          if (at >= 0) parent.children.splice(at, 0, node);
          else parent.children.push(node);
        }
        pending = later;
      }
      for (const t of data.texts ?? []) {
        const node = nodes.get(t.id);
        if (node && typeof t.value === 'string') node.text = t.value;
      }
    }
  }
  if (root) states.push(read(root));
  return states.join(LINE_BREAK);
}

function read(root: ReplayNode): string {
  let out = '';
  const walk = (node: ReplayNode) => {
    if (node.type === SerializedNodeType.Text) {
      out += node.text;
      return;
    }
    if (node.type === SerializedNodeType.Element && NOT_SHOWN.has(node.tag)) return;
    const own = node.type === SerializedNodeType.Element && !READ_THROUGH.has(node.tag);
    if (own) out += LINE_BREAK;
    for (const child of node.children) walk(child);
    if (own) out += LINE_BREAK;
  };
  walk(root);
  return out;
}
