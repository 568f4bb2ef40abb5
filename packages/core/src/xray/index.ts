// @veil/core/xray: what Veil records, drawn over the live page in development.
// Every field, every piece of text and every blocked region gets an outline
// in its outcome's colour; a legend counts them and switches the privacy
// mode; hovering shows the rule that decided. All of it comes from
// @veil/core/explain, which asks the recorder's own rules.
//
// The overlay lives in a closed shadow root of one 0×0 element marked
// data-veil="block": a recording running at the same time gets that empty
// element and nothing of what is inside it.
import {
  createExplainer,
  describeElement,
  isFormField,
  OUTCOMES,
  type Explanation,
  type ExplainOptions,
  type Outcome,
} from '../explain/index';
import { MARK_ATTRIBUTE, MARK_CLASSES, PRIVACY_MODES, type PrivacyMode } from '../engine/vocabulary';

export interface XrayOptions extends ExplainOptions {
  /** Where the legend sits. Default 'bottom-right'. */
  corner?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
}

export interface Xray {
  /** Shows what `privacy` mode would record, as the legend's switch does. */
  setPrivacy(privacy: PrivacyMode): void;
  /** Draws again now (it also does on every change of the page, scroll and resize). */
  refresh(): void;
  /** The items drawn, per outcome: `fields` counts form fields only. */
  counts(): Record<Outcome, { fields: number; all: number }>;
  /** Removes the overlay and stops watching the page. */
  destroy(): void;
  /** The overlay's own (closed) shadow root, for tests and screenshots. */
  readonly overlay: ShadowRoot;
}

/** The colour of each outcome: readable on light and dark pages, told apart without colour by the legend's words. */
export const XRAY_COLOURS: Readonly<Record<Outcome, string>> = Object.freeze({
  recorded: '#16a34a',
  masked: '#d97706',
  blocked: '#6b7280',
  'never recorded': '#dc2626',
});

const HOST_TAG = 'veil-xray';

interface Item {
  element: Element;
  /** For text: the text node, outlined tightly rather than its whole element. */
  text: Text | null;
  /** The frame it is in, outermost last: its box is offset by theirs. */
  frames: HTMLIFrameElement[];
  field: boolean;
  explanation: Explanation;
}

/** Never outlined, nor anything inside them: the overlay itself, and what a page does not show. */
const SKIPPED = new Set([HOST_TAG, 'script', 'style', 'head', 'template', 'noscript']);
const MEDIA = new Set(['img', 'picture', 'video', 'audio', 'canvas', 'svg', 'iframe', 'embed', 'object']);

function ownText(el: Element): Text | null {
  for (let child = el.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3 && (child as Text).data.trim()) return child as Text;
  }
  return null;
}

/**
 * Draws the X-ray over the page, for development: import it from a
 * development-only module (it is never part of the recorder's bundle).
 */
export function xray(options: XrayOptions = {}): Xray {
  if (typeof document === 'undefined') throw new Error('[veil] xray() draws over a page: call it in the browser, not on the server.');
  if (
    options &&
    typeof (options as { start?: unknown }).start === 'function' &&
    typeof (options as { subscribe?: unknown }).subscribe === 'function'
  ) {
    throw new Error(
      "[veil] xray() takes your recorder's options, not the recorder: xray({ privacy, mask, block, unmask }), the same object you gave createRecorder(). (The <script> build's Veil.xray(recorder) takes the recorder.)",
    );
  }
  const { corner = 'bottom-right', ...explainOptions } = options;
  if (!['bottom-right', 'bottom-left', 'top-right', 'top-left'].includes(corner)) {
    throw new Error(
      `[veil] Invalid option "corner": expected one of 'bottom-right', 'bottom-left', 'top-right', 'top-left'; got ${JSON.stringify(corner)}.`,
    );
  }
  let settings: ExplainOptions = { ...explainOptions };
  let explainer = createExplainer(settings);

  const host = document.createElement(HOST_TAG);
  host.setAttribute(MARK_ATTRIBUTE, 'block');
  host.style.cssText = 'position:fixed;top:0;left:0;width:0;height:0;overflow:visible;z-index:2147483647;';
  const root = host.attachShadow({ mode: 'closed' });
  root.innerHTML = `<style>
    :host { all: initial; }
    .box { position: fixed; box-sizing: border-box; pointer-events: none; border: 2px solid; border-radius: 3px; }
    .box.blocked { background: repeating-linear-gradient(45deg, rgba(107,114,128,.25) 0 6px, transparent 6px 12px); }
    .box.hover { outline: 3px solid #2563eb; outline-offset: 1px; }
    .legend, .card { position: fixed; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827;
      background: #fff; border: 1px solid #d1d5db; border-radius: 8px; box-shadow: 0 4px 16px rgba(0,0,0,.18); }
    .legend { padding: 10px 12px; min-width: 220px; pointer-events: auto; }
    .legend h2 { font-size: 13px; margin: 0 0 6px; display: flex; justify-content: space-between; align-items: center; gap: 8px; }
    .legend ul { list-style: none; margin: 6px 0; padding: 0; }
    .legend li { display: flex; align-items: center; gap: 8px; }
    .legend .swatch { width: 12px; height: 12px; border: 2px solid; border-radius: 3px; flex: none; }
    .legend .n { margin-left: auto; font-variant-numeric: tabular-nums; color: #374151; }
    .legend label { display: flex; gap: 6px; align-items: center; }
    .legend button { font: inherit; border: 1px solid #d1d5db; background: #f9fafb; border-radius: 4px; cursor: pointer; padding: 0 6px; }
    .legend p { margin: 6px 0 0; color: #4b5563; font-size: 12px; max-width: 260px; }
    .card { padding: 8px 10px; max-width: 340px; pointer-events: none; }
    .card strong { text-transform: uppercase; font-size: 11px; letter-spacing: .04em; }
    .card code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: #374151; }
    @media (prefers-color-scheme: dark) {
      .legend, .card { background: #1f2937; color: #f9fafb; border-color: #374151; }
      .legend .n, .legend p, .card code { color: #d1d5db; }
      .legend button { background: #374151; color: #f9fafb; border-color: #4b5563; }
    }
  </style><div class="boxes"></div><div class="legend" role="region" aria-label="Veil X-ray"></div><div class="card" hidden></div>`;
  const boxes = root.querySelector('.boxes') as HTMLElement;
  const legend = root.querySelector('.legend') as HTMLElement;
  const card = root.querySelector('.card') as HTMLElement;
  const [vertical, horizontal] = corner.split('-');
  legend.style.setProperty(vertical, '12px');
  legend.style.setProperty(horizontal, '12px');

  /** Whether `el` carries a block mark or matches a block selector (then it is asked whether it is blocked). */
  function mayBlock(el: Element): boolean {
    if (el.getAttribute(MARK_ATTRIBUTE) === 'block' || el.classList.contains(MARK_CLASSES.block)) return true;
    const selectors = settings.block ?? [];
    return selectors.some((selector) => {
      try {
        return el.matches(selector);
      } catch {
        return false;
      }
    });
  }

  let items: Item[] = [];
  let drawn: HTMLElement[] = [];
  let hovered: Item | null = null;

  /** Everything worth an outline: fields, text-bearing elements, media, blocked regions (outermost only). */
  function collect(): Item[] {
    const out: Item[] = [];
    const visit = (scope: Document | ShadowRoot, frames: HTMLIFrameElement[]) => {
      const walker = (scope.nodeType === 9 ? (scope as Document) : scope.ownerDocument!).createTreeWalker(scope, NodeFilter.SHOW_ELEMENT);
      // The first element after the current one's subtree. Setting currentNode
      // to an ancestor instead would walk back into the subtree, for ever.
      const pastSubtree = (): Element | null => {
        for (;;) {
          const sibling = walker.nextSibling();
          if (sibling) return sibling as Element;
          if (!walker.parentNode()) return null;
        }
      };
      for (let node = walker.nextNode() as Element | null; node;) {
        const el = node;
        if (SKIPPED.has(el.localName)) {
          node = pastSubtree();
          continue;
        }
        const field = isFormField(el);
        const text = field ? null : ownText(el);
        // a blocked container with no text of its own: one box for it, rather than one per thing inside
        const container = !field && !text && !MEDIA.has(el.localName) && mayBlock(el) ? explainer.explain(el) : null;
        if (container?.outcome === 'blocked') {
          out.push({ element: el, text: null, frames, field, explanation: container });
          node = pastSubtree();
          continue;
        }
        if (field || text || MEDIA.has(el.localName)) {
          const explanation = explainer.explain(text ?? el);
          // a blocked element is an empty box of its size in the replay: outlined whole
          out.push({ element: el, text: explanation.outcome === 'blocked' ? null : text, frames, field, explanation });
          // inside a blocked element nothing else is recorded: one box says it
          if (explanation.outcome === 'blocked') {
            node = pastSubtree();
            continue;
          }
        }
        if (el.shadowRoot) visit(el.shadowRoot, frames);
        if (el.localName === 'iframe') {
          try {
            const doc = (el as HTMLIFrameElement).contentDocument;
            if (doc?.documentElement) visit(doc, [el as HTMLIFrameElement, ...frames]);
          } catch {
            // another origin: not recorded
          }
        }
        node = walker.nextNode() as Element | null;
      }
    };
    visit(document, []);
    return out;
  }

  function boxOf(item: Item): DOMRect | null {
    let rect: DOMRect;
    if (item.text) {
      const range = item.text.ownerDocument.createRange();
      range.selectNodeContents(item.text);
      rect = range.getBoundingClientRect();
    } else {
      rect = item.element.getBoundingClientRect();
    }
    if (rect.width === 0 && rect.height === 0) return null;
    let x = rect.left;
    let y = rect.top;
    for (const frame of item.frames) {
      const f = frame.getBoundingClientRect();
      x += f.left + frame.clientLeft;
      y += f.top + frame.clientTop;
    }
    return new DOMRect(x, y, rect.width, rect.height);
  }

  function counts(): Record<Outcome, { fields: number; all: number }> {
    const out = Object.fromEntries(OUTCOMES.map((o) => [o, { fields: 0, all: 0 }])) as Record<Outcome, { fields: number; all: number }>;
    for (const item of items) {
      out[item.explanation.outcome].all++;
      if (item.field) out[item.explanation.outcome].fields++;
    }
    return out;
  }

  function drawLegend() {
    const c = counts();
    const privacy = settings.privacy ?? 'strict';
    legend.innerHTML = `<h2><span>Veil X-ray</span><button type="button" data-action="close" aria-label="Close the X-ray">×</button></h2>
      <label>Privacy mode <select data-action="privacy">${PRIVACY_MODES.map((m) => `<option${m === privacy ? ' selected' : ''}>${m}</option>`).join('')}</select></label>
      <ul>${OUTCOMES.map((o) => `<li data-outcome="${o}"><span class="swatch" style="border-color:${XRAY_COLOURS[o]}${o === 'blocked' ? ';background:rgba(107,114,128,.35)' : ''}"></span>${o}<span class="n">${c[o].fields} ${c[o].fields === 1 ? 'field' : 'fields'} · ${c[o].all} in all</span></li>`).join('')}</ul>
      <p>Hover an outline to see the rule that decided. Nothing of this overlay is recorded.</p>`;
  }

  function draw() {
    items = collect();
    for (const el of drawn) el.remove();
    drawn = [];
    const fragment = document.createDocumentFragment();
    for (const item of items) {
      const box = boxOf(item);
      const el = document.createElement('div');
      el.className = `box ${item.explanation.outcome === 'blocked' ? 'blocked' : ''}`;
      el.dataset.outcome = item.explanation.outcome;
      el.style.borderColor = XRAY_COLOURS[item.explanation.outcome];
      if (box) Object.assign(el.style, { left: `${box.x}px`, top: `${box.y}px`, width: `${box.width}px`, height: `${box.height}px` });
      else el.hidden = true;
      drawn.push(el);
      fragment.appendChild(el);
    }
    boxes.appendChild(fragment);
    drawLegend();
    if (hovered) showCard(items.find((i) => i.element === hovered!.element) ?? null);
  }

  let frame = 0;
  const schedule = () => {
    if (!frame)
      frame = requestAnimationFrame(() => {
        frame = 0;
        draw();
        watch();
      });
  };

  function showCard(item: Item | null) {
    hovered = item;
    drawn.forEach((el, i) => el.classList.toggle('hover', items[i] === item));
    if (!item) {
      card.hidden = true;
      return;
    }
    const box = boxOf(item);
    const e = item.explanation;
    card.innerHTML = `<strong style="color:${XRAY_COLOURS[e.outcome]}">${e.outcome}</strong> <code></code><div class="why"></div>`;
    // page content goes in as text, never as markup
    card.querySelector('code')!.textContent = describeElement(item.element);
    card.querySelector('.why')!.textContent = e.reason;
    card.hidden = false;
    const top = box ? box.bottom + 6 : 12;
    card.style.left = `${Math.max(8, Math.min(box?.left ?? 8, innerWidth - 348))}px`;
    card.style.top = `${top + 80 > innerHeight && box ? Math.max(8, box.top - 70) : top}px`;
  }

  /** The innermost outlined item under the pointer. */
  function itemAt(x: number, y: number): Item | null {
    let best: Item | null = null;
    let bestArea = Infinity;
    for (const item of items) {
      const box = boxOf(item);
      if (!box || x < box.left || x > box.right || y < box.top || y > box.bottom) continue;
      const area = box.width * box.height;
      if (area < bestArea) {
        best = item;
        bestArea = area;
      }
    }
    return best;
  }

  const onMove = (e: MouseEvent) => {
    const item = itemAt(e.clientX, e.clientY);
    if (item !== hovered) showCard(item);
  };
  const onLegend = (e: Event) => {
    const target = e.target as HTMLElement;
    if (target.dataset.action === 'close' && e.type === 'click') api.destroy();
    if (target.dataset.action === 'privacy' && e.type === 'change') api.setPrivacy((target as HTMLSelectElement).value as PrivacyMode);
  };

  // The page's changes, in the document and in every open shadow root and frame seen.
  const observer = new MutationObserver((records) => {
    if (records.some((r) => !host.contains(r.target))) schedule();
  });
  const watched = new WeakSet<Node>();
  // function declaration: the drawing, above, calls it
  function watch() {
    const roots: Node[] = [document];
    for (const item of items) roots.push(item.element.getRootNode());
    for (const r of roots) {
      if (watched.has(r)) continue;
      watched.add(r);
      observer.observe(r, { subtree: true, childList: true, attributes: true, characterData: true });
    }
  }

  const api: Xray = {
    setPrivacy(privacy) {
      settings = { ...settings, privacy };
      explainer = createExplainer(settings);
      draw();
    },
    refresh() {
      draw();
      watch();
    },
    counts,
    overlay: root,
    destroy() {
      observer.disconnect();
      if (frame) cancelAnimationFrame(frame);
      removeEventListener('scroll', schedule, true);
      removeEventListener('resize', schedule);
      document.removeEventListener('mousemove', onMove, true);
      host.remove();
    },
  };

  document.documentElement.appendChild(host);
  legend.addEventListener('click', onLegend);
  legend.addEventListener('change', onLegend);
  addEventListener('scroll', schedule, true);
  addEventListener('resize', schedule);
  document.addEventListener('mousemove', onMove, true);
  draw();
  watch();
  return api;
}
