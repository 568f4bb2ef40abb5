// The one file that talks to rrweb. rrweb keeps global state (one recording
// per page), so this module is where that single recording is started,
// snapshotted and stopped, and where rrweb's ids are mapped back to nodes.
import { record } from '@rrweb/record';
import { RRWEB_OPTIONS } from './rrweb-options';

/** The masking hooks and callbacks of one rrweb recording. */
export interface RrwebHooks {
  /** Every event rrweb records, in order. */
  emit(event: unknown): void;
  /** rrweb's maskInputFn: the recordable form of an input value. */
  maskInput(text: string, element: HTMLElement): string;
  /** rrweb's maskTextFn: the recordable form of a text node's content. */
  maskText(text: string, element: HTMLElement | null): string;
  /** Elements rrweb must not serialize the inside of. */
  blockSelector: string;
  /** Milliseconds between full snapshots, 0 for none. */
  checkoutInterval: number;
  /** rrweb hit an error (it stops nothing by itself). */
  onError(error: unknown): void;
}

/** Starts rrweb; returns the function that stops it. Throws when rrweb cannot record this page. */
export function startRrweb(hooks: RrwebHooks): () => void {
  const stop = record({
    ...RRWEB_OPTIONS,
    emit: hooks.emit,
    checkoutEveryNms: hooks.checkoutInterval || undefined,
    maskInputFn: hooks.maskInput,
    maskTextFn: hooks.maskText,
    blockSelector: hooks.blockSelector,
    errorHandler: (error: unknown) => {
      hooks.onError(error);
      return true;
    },
  } as Parameters<typeof record>[0]);
  if (!stop) throw new Error('[veil] rrweb could not start recording this page (see the console for its warning).');
  return stop;
}

/** A fresh full snapshot, emitted at once (checkouts and new sessions). */
export function takeFullSnapshot(): void {
  record.takeFullSnapshot(true);
}

/** One of Veil's own custom events, emitted at once. */
export function addCustomEvent(tag: string, payload: unknown): void {
  record.addCustomEvent(tag, payload);
}

/** rrweb's id of a recorded node; -1 (or 0) when rrweb does not record it. */
export function recordedId(node: Node): number {
  return record.mirror.getId(node);
}

/** The live node rrweb recorded under `id`, if it is still there. */
export function recordedNode(id: number): Node | null {
  return record.mirror.getNode(id) as Node | null;
}
