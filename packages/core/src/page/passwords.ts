// "Once a password, always sensitive": a show-password toggle turns a field
// into type=text, and a recorder that looks only at the current type would
// record what is typed next. The memory starts as early as the code can run:
// when a recorder is created, or when the <script> build loads.

const PAGE_MEMORY = Symbol.for('veil.passwordFields');
let memory: WeakSet<Element> | undefined;
let watched: WeakSet<Node> | undefined;
// one observer for every tree: a page of web components has thousands of shadow roots
let typeWatcher: MutationObserver | undefined;
let shadowListener: ((host: Element, root: ShadowRoot) => void) | undefined;

/**
 * Has `listener` told of every shadow root attached by script from now on
 * (`undefined` stops it). The memory wraps attachShadow anyway, and a
 * recorder must hear of a new root in the very task that fills it.
 */
export function hearShadowRoots(listener: typeof shadowListener): void {
  shadowListener = listener;
}

function isPasswordInput(node: unknown): node is HTMLInputElement {
  return (
    typeof node === 'object' &&
    node !== null &&
    (node as Element).nodeType === 1 &&
    (node as Element).localName === 'input' &&
    (node as HTMLInputElement).type === 'password'
  );
}

/**
 * Starts watching `doc` (once), every shadow root and same-origin frame in it
 * now and later, and returns the set of elements that have been password fields.
 */
export function rememberPasswordFields(
  doc: Document | undefined = typeof document === 'undefined' ? undefined : document,
): WeakSet<Element> | undefined {
  if (doc) {
    // One memory per page, whichever copy of Veil asks: the <script> build and
    // the X-ray, or two versions of the core in one app, must not disagree.
    const shared = globalThis as { [PAGE_MEMORY]?: WeakSet<Element> };
    memory ??= shared[PAGE_MEMORY] ??= new WeakSet();
    watched ??= new WeakSet();
    watch(doc);
  }
  return memory;
}

// A page can set a field's value by script and toggle its type without anyone
// focusing it, in a shadow root or a frame as anywhere else: each of those
// trees needs watching of its own.
function watch(root: Document | ShadowRoot): void {
  if (watched!.has(root)) return;
  watched!.add(root);
  const seen = memory!;
  const passive = { capture: true, passive: true };
  if (typeof MutationObserver !== 'undefined') {
    // a field added as a password and toggled later shows up here with oldValue "password"
    typeWatcher ??= new MutationObserver((records) => {
      for (const r of records) {
        if ((r.oldValue ?? '').trim().toLowerCase() === 'password' || isPasswordInput(r.target)) seen.add(r.target as Element);
      }
    });
    typeWatcher.observe(root, { subtree: true, attributes: true, attributeFilter: ['type'], attributeOldValue: true });
  }
  // Typing reaches a document's listeners from its open shadow roots too
  // (focus and input events are composed); the type watcher, not a listener
  // per root, covers what script does to a field without focusing it.
  if (root.nodeType === 9) {
    const note = (e: Event) => {
      const target = e.composedPath ? e.composedPath()[0] : e.target;
      if (isPasswordInput(target)) seen.add(target);
    };
    for (const type of ['focusin', 'input']) root.addEventListener(type, note, passive);
  }
  // a frame's document is new after every load; load does not bubble, but passes here in capture
  root.addEventListener('load', (e) => inside(e.target), passive);
  const scan = () => {
    for (const el of Array.from(root.querySelectorAll('*'))) inside(el);
  };
  scan();
  // the parser attaches declarative shadow roots without calling attachShadow
  if ((root as Document).readyState === 'loading') root.addEventListener('DOMContentLoaded', scan);
  const proto = (root as Document).defaultView?.Element.prototype;
  const attach = proto?.attachShadow;
  if (proto && attach) {
    proto.attachShadow = function (this: Element, init: ShadowRootInit) {
      const shadow = attach.call(this, init);
      watch(shadow);
      shadowListener?.(this, shadow);
      return shadow;
    };
  }
}

function inside(el: EventTarget | null): void {
  if (isPasswordInput(el)) memory!.add(el);
  // contentDocument is null for a cross-origin frame, which is not recorded either
  const nested = (el as Element).shadowRoot ?? (el as HTMLIFrameElement).contentDocument;
  if (nested) watch(nested);
}

/** True when `el` is or ever was (as far as Veil saw) a password field. */
export function wasPasswordField(el: Element): boolean {
  if (isPasswordInput(el)) {
    memory?.add(el);
    return true;
  }
  return memory?.has(el) ?? false;
}
