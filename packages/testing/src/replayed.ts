// What a viewer of the replay reads: the recorded events applied to the
// serialized page, read line by line, through inline elements, at the end of
// each page state (each full snapshot replaces the page). A value split over
// several elements is in no single string of a recording, but here it is
// whole, as the replay shows it.

/** Between two lines of the replayed page: a character no secret contains. */
export const LINE_BREAK = '\u0001';

/** A recorded event, as the recorder hands it to its transport. */
export interface RecordedEvent {
  type: number;
  timestamp: number;
  data?: unknown;
}

// Read through: HTML's phrasing elements, which a reader reads as one line with their neighbours.
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
const NOT_SHOWN = new Set(['script', 'style', 'noscript', 'template', 'head']);

// rrweb's numbers (the Veil protocol keeps them): docs/protocol.md
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const INPUT = 5;
const TEXT_NODE = 3;
const ELEMENT_NODE = 2;

interface Node {
  type: number;
  tag: string;
  text: string;
  value?: string;
  children: Node[];
  parent: Node | null;
}

interface Serialized {
  id: number;
  type: number;
  tagName?: string;
  textContent?: string;
  attributes?: Record<string, unknown>;
  childNodes?: Serialized[];
}

/** The text of the replayed page at the end of each recorded page state, lines separated by LINE_BREAK. */
export function replayedText(events: readonly RecordedEvent[]): string {
  const states: string[] = [];
  let nodes = new Map<number, Node>();
  let root: Node | null = null;
  const build = (s: Serialized, parent: Node | null): Node => {
    const value = s.attributes?.value;
    const node: Node = {
      type: s.type,
      tag: String(s.tagName ?? '').toLowerCase(),
      text: s.textContent ?? '',
      value: typeof value === 'string' ? value : undefined,
      children: [],
      parent,
    };
    nodes.set(s.id, node);
    for (const child of s.childNodes ?? []) node.children.push(build(child, node));
    return node;
  };
  const detach = (node: Node) => {
    if (!node.parent) return;
    node.parent.children.splice(node.parent.children.indexOf(node), 1);
    node.parent = null;
  };
  for (const event of events) {
    const data = event.data as any;
    if (event.type === FULL_SNAPSHOT && data?.node) {
      if (root) states.push(read(root));
      nodes = new Map();
      root = build(data.node, null);
    } else if (event.type === INCREMENTAL && data?.source === MUTATION) {
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
      for (const a of data.attributes ?? []) {
        const node = nodes.get(a.id);
        if (node && a.attributes && typeof a.attributes.value === 'string') node.value = a.attributes.value;
      }
    } else if (event.type === INCREMENTAL && data?.source === INPUT) {
      const node = nodes.get(data.id);
      if (node && typeof data.text === 'string') node.value = data.text;
    }
  }
  if (root) states.push(read(root));
  return states.join(LINE_BREAK);
}

function read(root: Node): string {
  let out = '';
  const walk = (node: Node) => {
    if (node.type === TEXT_NODE) {
      out += node.text;
      return;
    }
    if (node.type === ELEMENT_NODE && NOT_SHOWN.has(node.tag)) return;
    const own = node.type === ELEMENT_NODE && !READ_THROUGH.has(node.tag);
    if (own) out += LINE_BREAK;
    // a field shows its value on a line of its own
    if (node.value !== undefined) out += node.value + LINE_BREAK;
    for (const child of node.children) walk(child);
    if (own) out += LINE_BREAK;
  };
  walk(root);
  return out;
}
