// "Once a password, always sensitive": a show-password toggle turns a field
// into type=text, and a recorder that looks only at the current type would
// record what is typed next. The memory starts as early as the code can run:
// when a recorder is created, or when the <script> build loads.

let memory: WeakSet<Element> | undefined;

function isPasswordInput(node: unknown): node is HTMLInputElement {
  return (
    typeof node === 'object' && node !== null && (node as Element).nodeType === 1 &&
    (node as Element).localName === 'input' && (node as HTMLInputElement).type === 'password'
  );
}

/** Starts watching `doc` (once) and returns the set of elements that have been password fields. */
export function rememberPasswordFields(doc: Document | undefined = typeof document === 'undefined' ? undefined : document): WeakSet<Element> | undefined {
  if (memory || !doc) return memory;
  const seen = new WeakSet<Element>();
  memory = seen;
  for (const el of Array.from(doc.querySelectorAll('input'))) if (isPasswordInput(el)) seen.add(el);
  if (typeof MutationObserver !== 'undefined') {
    // a field added as a password and toggled later shows up here with oldValue "password"
    new MutationObserver((records) => {
      for (const r of records) {
        if ((r.oldValue ?? '').trim().toLowerCase() === 'password' || isPasswordInput(r.target)) seen.add(r.target as Element);
      }
    }).observe(doc, { subtree: true, attributes: true, attributeFilter: ['type'], attributeOldValue: true });
  }
  // Shadow roots are out of the observer's reach; focus and typing reach every field.
  const note = (e: Event) => {
    const target = e.composedPath ? e.composedPath()[0] : e.target;
    if (isPasswordInput(target)) seen.add(target);
  };
  for (const type of ['focusin', 'input']) doc.addEventListener(type, note, { capture: true, passive: true });
  return seen;
}

/** True when `el` is or ever was (as far as Veil saw) a password field. */
export function wasPasswordField(el: Element): boolean {
  if (isPasswordInput(el)) {
    memory?.add(el);
    return true;
  }
  return memory?.has(el) ?? false;
}
