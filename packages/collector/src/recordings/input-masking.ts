// "Record form inputs: off" on the server. The core's scrubber decides input
// values by the privacy mode and has no switch that masks every one of them
// (createScrubber takes only `privacy`), so for a site that switched input
// recording off, what the engine's scrubber lets through passes here too, and
// every value a visitor can type or choose is masked: `value` of inputs,
// textareas and selects in snapshots and added nodes, value changes of them,
// the text inside a textarea, the `selected` mark of options, and every input
// event's text. It learns which node ids are such controls from the same
// events, so it keeps state per session, like the engine's scrubber (and is
// rebuilt with it from stored batches).
//
// This runs after the engine: it never unmasks, only masks more.
import { EventType, IncrementalSource, SerializedNodeType, type RecordedEvent, type Scrubber } from '@veil/core/engine';

/**
 * Every non-blank character becomes `*`, keeping length and layout: what the
 * recorder's own masking produces. The engine has this function (maskChars)
 * but does not export it from @veil/core/engine; once it does, use it here.
 */
const maskValue = (value: string) => value.replace(/\S/g, '*');

/** Inputs whose value is the page's own label, not something a visitor types. */
const LABEL_INPUTS = new Set(['submit', 'button', 'reset', 'image']);

type SerializedNode = {
  type?: number;
  id?: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
  textContent?: unknown;
};

export interface InputMasker {
  /** Masks the event's input values in place. */
  mask(event: RecordedEvent): void;
}

export function createInputMasker(): InputMasker {
  /** Ids of inputs, textareas and selects: their `value` is the visitor's. */
  let controls = new Set<number>();
  /** Ids of options: their `selected` says what the visitor chose. */
  let options = new Set<number>();
  /** Ids of textareas, and of the text nodes inside them. */
  let textareas = new Set<number>();
  let valueTexts = new Set<number>();

  const isObject = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null;

  function admit(node: SerializedNode, parentId: number | null): void {
    if (!isObject(node)) return;
    const id = typeof node.id === 'number' ? node.id : null;
    if (node.type === SerializedNodeType.Element && typeof node.tagName === 'string') {
      const tag = node.tagName.toLowerCase();
      const attributes = isObject(node.attributes) ? node.attributes : undefined;
      const type = typeof attributes?.type === 'string' ? attributes.type.toLowerCase() : '';
      if (tag === 'textarea' || tag === 'select' || (tag === 'input' && !LABEL_INPUTS.has(type))) {
        if (id !== null) controls.add(id);
        if (attributes && typeof attributes.value === 'string') attributes.value = maskValue(attributes.value);
        if (tag === 'textarea' && id !== null) textareas.add(id);
      } else if (tag === 'option') {
        if (id !== null) options.add(id);
        if (attributes) delete attributes.selected;
      }
    } else if (node.type === SerializedNodeType.Text && parentId !== null && textareas.has(parentId)) {
      if (id !== null) valueTexts.add(id);
      if (typeof node.textContent === 'string') node.textContent = maskValue(node.textContent);
    }
    if (Array.isArray(node.childNodes)) for (const child of node.childNodes) admit(child, id);
  }

  function mutation(data: Record<string, any>): void {
    if (Array.isArray(data.adds)) {
      for (const add of data.adds) if (isObject(add)) admit(add.node, typeof add.parentId === 'number' ? add.parentId : null);
    }
    if (Array.isArray(data.texts)) {
      for (const text of data.texts) {
        if (isObject(text) && valueTexts.has(text.id) && typeof text.value === 'string') text.value = maskValue(text.value);
      }
    }
    if (Array.isArray(data.attributes)) {
      for (const change of data.attributes) {
        if (!isObject(change) || !isObject(change.attributes)) continue;
        if (controls.has(change.id) && typeof change.attributes.value === 'string') change.attributes.value = maskValue(change.attributes.value);
        if (options.has(change.id)) delete change.attributes.selected;
      }
    }
  }

  return {
    mask(event) {
      if (!isObject(event) || !isObject(event.data)) return;
      const data = event.data as Record<string, any>;
      if (event.type === EventType.FullSnapshot) {
        controls = new Set();
        options = new Set();
        textareas = new Set();
        valueTexts = new Set();
        admit(data.node, null);
      } else if (event.type === EventType.IncrementalSnapshot) {
        if (data.source === IncrementalSource.Mutation) mutation(data);
        // whatever the node: an input event of a node never seen is masked too
        else if (data.source === IncrementalSource.Input && typeof data.text === 'string') data.text = maskValue(data.text);
      }
    },
  };
}

/** The engine's scrubber followed by the input masker. */
export function withInputsMasked(scrubber: Scrubber): Scrubber {
  const masker = createInputMasker();
  return {
    scrub(event) {
      const clean = scrubber.scrub(event);
      if (clean) masker.mask(clean);
      return clean;
    },
  };
}
