// Personal data that a reader sees as one value although the page holds it in
// several text nodes: card numbers shown in groups, one <span> each; an
// address or an IBAN split by a framework's text interpolation. No piece is
// personal data alone, so each passes the detectors on its own. Here the
// pieces of one line of text (adjacent text nodes, through inline elements)
// are read together, and each piece that takes part in a match is masked
// where it does. The capture layer asks this with live text nodes, the
// scrubber with serialized ones.
import { findPersonalData, mayHoldPersonalData, type Finding } from './detect';
import { maskFindings } from './findings';
import { SerializedNodeType } from './protocol';

/**
 * Elements whose text runs on with the text around them. Any other element
 * (a paragraph, a list item, a table cell, a button, a form control) starts a
 * line of its own, and what is on two lines is not read as one value.
 */
export const INLINE_TAGS: ReadonlySet<string> = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'big',
  'br',
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
  'nobr',
  'output',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
  'wbr',
]);

/**
 * For pieces of text that a reader reads as one line (in order), the findings
 * that run across two pieces or more, in each piece's own positions; null
 * when there are none. A finding inside one piece is left to that piece's own
 * scan.
 */
export function findAcrossPieces(pieces: readonly string[]): (Finding[] | undefined)[] | null {
  if (pieces.length < 2) return null;
  const joined = pieces.join('');
  if (!mayHoldPersonalData(joined)) return null;
  const found = findPersonalData(joined);
  if (found.length === 0) return null;
  const starts: number[] = [];
  let at = 0;
  for (const piece of pieces) {
    starts.push(at);
    at += piece.length;
  }
  const pieceAt = (position: number) => {
    let i = 0;
    while (i + 1 < starts.length && starts[i + 1] <= position) i++;
    return i;
  };
  let perPiece: (Finding[] | undefined)[] | null = null;
  for (const finding of found) {
    const first = pieceAt(finding.start);
    const last = pieceAt(finding.end - 1);
    if (first === last) continue;
    perPiece ??= new Array(pieces.length);
    for (let i = first; i <= last; i++) {
      const start = Math.max(finding.start - starts[i], 0);
      const end = Math.min(finding.end - starts[i], pieces[i].length);
      if (end > start) (perPiece[i] ??= []).push({ ...finding, start, end });
    }
  }
  return perPiece;
}

/** What a node is to the line it is on. */
export type LineRole =
  /** A text node whose text is read: one piece of the line. */
  | 'piece'
  /** An inline element whose children are on the line too. */
  | 'through'
  /** Something that ends the line: an element that starts its own, text that is not read. */
  | 'break'
  /** Not shown at all (a comment). */
  | 'unseen';

/**
 * The runs of pieces that a reader reads as one line each, among the
 * children of `parent` and, through inline elements, their children; the
 * same for live nodes and serialized ones.
 */
export function linesOf<N>(parent: N, childrenOf: (node: N) => ArrayLike<N> | undefined, roleOf: (node: N) => LineRole): N[][] {
  const lines: N[][] = [];
  let run: N[] = [];
  const end = () => {
    if (run.length > 1) lines.push(run);
    run = [];
  };
  const walk = (node: N) => {
    const children = childrenOf(node);
    for (let i = 0; children && i < children.length; i++) {
      const child = children[i];
      const role = roleOf(child);
      if (role === 'piece') run.push(child);
      else if (role === 'through') walk(child);
      else if (role === 'break') end();
    }
  };
  walk(parent);
  end();
  return lines;
}

interface SerializedPiece {
  type: number;
  tagName?: string;
  textContent?: string;
  childNodes?: SerializedPiece[];
  isShadow?: boolean;
}

function serializedRole(node: SerializedPiece): LineRole {
  if (node === null || typeof node !== 'object' || node.isShadow === true) return 'break';
  if (node.type === SerializedNodeType.Text) return typeof node.textContent === 'string' ? 'piece' : 'unseen';
  if (node.type === SerializedNodeType.Element) return INLINE_TAGS.has(String(node.tagName).toLowerCase()) ? 'through' : 'break';
  return node.type === SerializedNodeType.Comment ? 'unseen' : 'break';
}

/**
 * Masks, among the serialized children of one element that starts a line (not
 * inline), the pieces of personal data that run across text nodes and inline
 * elements. Text already scrubbed node by node stays as it is unless a match
 * runs through it.
 */
export function maskAcrossSerializedNodes(element: SerializedPiece): void {
  const children = element.childNodes;
  // most elements hold one text or none: no line of two pieces
  if (!Array.isArray(children) || (children.length < 2 && serializedRole(children[0]) !== 'through')) return;
  for (const run of linesOf(element, (node) => node.childNodes, serializedRole)) {
    findAcrossPieces(run.map((node) => node.textContent!))?.forEach((found, i) => {
      if (found) run[i].textContent = maskFindings(run[i].textContent!, found);
    });
  }
}
