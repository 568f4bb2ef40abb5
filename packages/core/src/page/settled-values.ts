// A field's value is recorded when typing settles, not keystroke by keystroke.
// Each keystroke is an input event, and detection sees each prefix alone:
// "mail jan.novak" is complete and ordinary long before the "@" arrives, the
// first groups of a card number before the number is. Held back until the
// visitor pauses, leaves the field or changes it, only the settled value
// goes out, scanned whole (the capture layer masked it as it was then).
// The replay shows the text appear in steps instead of letters.
import { EventType, IncrementalSource, type RecordedEvent } from '../engine/protocol';

/** How long typing must pause before a value counts as settled. */
export const SETTLE_AFTER_MS = 1000;

// Fields whose value is typed: input events of these come one per keystroke.
const TYPED_INPUTS = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number']);

function typedField(node: Node | null): boolean {
  if (!node || node.nodeType !== 1) return false;
  const element = node as Element;
  if (element.localName === 'textarea') return true;
  // the property, not the attribute: an unknown or missing type is a text field
  return element.localName === 'input' && TYPED_INPUTS.has((element as HTMLInputElement).type);
}

export interface SettledValues {
  /** Holds the input event of a typed field until its value settles; false for any other event. */
  hold(event: RecordedEvent): boolean;
  /** Lets every held value go now: before a flush, a stop, or the page leaving. */
  release(): void;
  /** Forgets what is held and stops listening. */
  stop(): void;
}

/** `send`: where settled values go; `nodeOf`: the field an event's id names. */
export function settleValues(send: (event: RecordedEvent) => void, nodeOf: (id: number) => Node | null): SettledValues {
  // the latest value of each field, with when it was typed; one timer for all
  // of them, since a timer per keystroke costs more than the keystroke's event
  const held = new Map<number, { event: RecordedEvent; typedAt: number }>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function releaseOne(id: number) {
    const entry = held.get(id)!;
    held.delete(id);
    // stamped when it goes out: events already sent since its keystroke are earlier
    entry.event.timestamp = Date.now();
    send(entry.event);
  }

  function release() {
    for (const id of [...held.keys()]) releaseOne(id);
  }

  function releaseSettled() {
    timer = undefined;
    const now = Date.now();
    let next = Infinity;
    for (const [id, entry] of [...held]) {
      if (now - entry.typedAt >= SETTLE_AFTER_MS) releaseOne(id);
      else next = Math.min(next, entry.typedAt + SETTLE_AFTER_MS - now);
    }
    if (next !== Infinity) timer = setTimeout(releaseSettled, next);
  }

  // leaving a field or committing it settles what was typed into it
  const settleNow = () => release();
  document.addEventListener('focusout', settleNow, true);
  document.addEventListener('change', settleNow, true);

  return {
    hold(event) {
      if (event.type !== EventType.IncrementalSnapshot) return false;
      const data = event.data as { source?: number; id?: number; text?: unknown };
      if (data.source !== IncrementalSource.Input || typeof data.id !== 'number' || typeof data.text !== 'string') return false;
      if (!held.has(data.id) && !typedField(nodeOf(data.id))) return false;
      held.set(data.id, { event, typedAt: Date.now() });
      timer ??= setTimeout(releaseSettled, SETTLE_AFTER_MS);
      return true;
    },
    release,
    stop() {
      document.removeEventListener('focusout', settleNow, true);
      document.removeEventListener('change', settleNow, true);
      clearTimeout(timer);
      timer = undefined;
      held.clear();
    },
  };
}
