// The capture layer's side of reading text across nodes (engine/across-nodes.ts):
// the pieces of one line on the live page, read once per stretch of
// synchronous work (a full snapshot, one batch of mutations).
//
// A piece added or changed later can complete a match whose other pieces
// were recorded before, in clear, because alone they were nothing. The new
// piece is masked as it is recorded; the old ones are recorded again, masked,
// as text changes sent right after (`remask`).
import { INLINE_TAGS, findAcrossPieces, linesOf, type LineRole } from '../engine/across-nodes';
import type { Finding } from '../engine/findings';

export interface TextLines {
  /** What of `text`, the data of a child text node of `element`, takes part in a match read across nodes. */
  findings(text: string, element: Element): Finding[] | undefined;
  /** The page changed: lines read so far may be stale. */
  forget(): void;
}

/** A line with a match across its pieces: the pieces it runs through. */
interface LineMatch {
  pieces: Text[];
}

interface Stretch {
  lines: Map<ParentNode, Map<Text, Finding[]>>;
  matches: LineMatch[];
}

// On a piece: whether its last recording was masked where a match runs
// through it. A property, not a WeakSet: it is asked of every piece of every
// line with a match, and weak tables cost the garbage collector more.
const RECORDED_MASKED = Symbol('veil.recordedMasked');
type Piece = Text & { [RECORDED_MASKED]?: boolean };

/** The node whose children hold the line `element` is part of: its nearest ancestor that is not inline. */
export function lineOf(element: Element): ParentNode {
  let node: Element = element;
  while (INLINE_TAGS.has(node.localName)) {
    const parent = node.parentNode;
    if (!parent) return node;
    if (parent.nodeType !== 1) return parent;
    node = parent as Element;
  }
  return node;
}

// Text in a masked or blocked inline element is read as the page holds it:
// a match through it masks its neighbours too, which only costs the replay a
// few characters, where asking each element's context would cost every line.
function roleOf(node: Node): LineRole {
  if (node.nodeType === 3) return 'piece';
  if (node.nodeType === 8) return 'unseen';
  return node.nodeType === 1 && INLINE_TAGS.has((node as Element).localName) ? 'through' : 'break';
}

/**
 * What is found across the pieces of the lines under `line`: per piece, the
 * findings that run through it, and the pieces of each match. Reads only.
 */
export function readLine(line: ParentNode): { pieces: Map<Text, Finding[]>; matches: Text[][] } {
  const pieces = new Map<Text, Finding[]>();
  const matches: Text[][] = [];
  for (const run of linesOf<Node>(line, (node) => node.childNodes, roleOf) as Text[][]) {
    const perPiece = findAcrossPieces(run.map((t) => t.data));
    if (!perPiece) continue;
    const inMatch: Text[] = [];
    perPiece.forEach((f, i) => {
      if (!f) return;
      pieces.set(run[i], f);
      inMatch.push(run[i]);
    });
    matches.push(inMatch);
  }
  return { pieces, matches };
}

/** `remask`: pieces recorded in clear that a match now runs through, to be recorded again. */
export function createTextLines(remask: (pieces: Text[]) => void): TextLines {
  let stretch: Stretch | null = null;

  function current(): Stretch {
    if (!stretch) {
      stretch = { lines: new Map(), matches: [] };
      queueMicrotask(endStretch);
    }
    return stretch;
  }

  function endStretch() {
    const ended = stretch;
    stretch = null;
    // a piece not recorded in this stretch went out earlier, in clear
    const stale = new Set<Text>();
    for (const match of ended?.matches ?? []) for (const piece of match.pieces) if (!(piece as Piece)[RECORDED_MASKED]) stale.add(piece);
    if (stale.size) remask([...stale]);
  }

  function read(line: ParentNode, matches: LineMatch[]): Map<Text, Finding[]> {
    const found = readLine(line);
    for (const pieces of found.matches) matches.push({ pieces });
    return found.pieces;
  }

  return {
    findings(text, element) {
      // most text is the only child of an element that starts a line
      if (element.firstChild === element.lastChild && !INLINE_TAGS.has(element.localName)) return undefined;
      const now = current();
      const line = lineOf(element);
      let found = now.lines.get(line);
      if (!found) {
        found = read(line, now.matches);
        now.lines.set(line, found);
      }
      let out: Finding[] | undefined;
      for (let child = element.firstChild; child; child = child.nextSibling) {
        if (child.nodeType !== 3 || (child as Text).data !== text) continue;
        const f = found.get(child as Text);
        if (f) out = out ? out.concat(f) : f;
        // only pieces that ever took part in a match carry the mark
        if (f || (child as Piece)[RECORDED_MASKED]) (child as Piece)[RECORDED_MASKED] = !!f;
      }
      return out;
    },
    forget() {
      if (stretch) stretch.lines = new Map();
    },
  };
}
