// Tells the capture layer and the scrubber that the page changed what
// classifies its elements (marks, classes, field names and types, the tree
// itself), before rrweb reports (or, for an element that just became blocked,
// fails to report) the mutations under them. Observers are called in the
// order they were created, so this one, created before rrweb's, runs first.
// Input events do not wait for observers: page code can change a field and
// fire one in the same task, so the recording takes what is pending (`flush`)
// before every event and every input value.
//
// It watches the document and, like rrweb, every shadow root and frame
// document rrweb records (`watchTree`, as the scrubber meets them): rrweb
// does not report the attribute that blocks an element there either, but
// does report changes further inside.
import { CLASSIFYING_ATTRIBUTES, FIELD_ONLY_ATTRIBUTES, FIELD_TAGS } from '../engine/classify';
import type { TreeChange } from '../engine/scrub';
import type { Capture } from './capture';
import { hearShadowRoots } from './passwords';
import { recordedId } from './rrweb';

export interface MarkWatcher {
  /** Hands every change the observer holds to the capture layer and the scrubber now. */
  flush(): void;
  /** Watches a shadow root or a frame's document too (watching one again changes nothing). */
  watchTree(tree: Node): void;
  stop(): void;
}

export interface MarkWatcherOptions {
  capture: Capture;
  /** Where the scrubber hears of changes. */
  note(change: TreeChange): void;
  /** A shadow root was attached to `host`, which already has recorded light-DOM children. */
  lightHostAttached(host: Element): void;
  /** Configured selectors can depend on any attribute: every attribute change counts. */
  selectorsOn: boolean;
  fail(error: unknown): void;
}

/** Without selectors, names, ids, types and the like classify form controls (and meta elements) only. */
function classifies(r: MutationRecord): boolean {
  if (r.type !== 'attributes' || !FIELD_ONLY_ATTRIBUTES.has(r.attributeName!)) return true;
  const tag = (r.target as Element).localName;
  return FIELD_TAGS.has(tag) || tag === 'meta';
}

export function watchMarks({ capture, note, lightHostAttached, selectorsOn, fail }: MarkWatcherOptions): MarkWatcher {
  const changed = (all: MutationRecord[]) => {
    // called before every event and input value, mostly with nothing pending
    if (!all.length) return;
    const records = selectorsOn ? all : all.filter(classifies);
    if (!records.length) return;
    capture.noteChanges(records);
    for (const r of records) {
      if (r.type === 'childList') {
        // rrweb records a shadow root's children under its host
        const parentId = recordedId(r.target.nodeType === 11 ? (r.target as ShadowRoot).host : r.target);
        for (const node of r.removedNodes) {
          const id = recordedId(node);
          if (id > 0) note({ kind: 'parent', id, parentId: null });
        }
        for (const node of r.addedNodes) {
          const id = recordedId(node);
          if (id > 0) note({ kind: 'parent', id, parentId: parentId > 0 ? parentId : null });
        }
        continue;
      }
      // With selectors configured any attribute can change a mark: the
      // scrubber gets every classifying attribute and asks again. Without,
      // only the one that changed can differ from what it knows.
      const el = r.target as Element;
      const id = recordedId(el);
      if (id > 0) {
        const attributes: Record<string, string | null> = {};
        for (const name of selectorsOn ? CLASSIFYING_ATTRIBUTES : [r.attributeName!]) attributes[name] = el.getAttribute(name);
        note({ kind: 'attributes', id, attributes, askAgain: selectorsOn });
      }
    }
  };
  const observer = new MutationObserver(changed);
  const watching: MutationObserverInit = {
    subtree: true,
    childList: true,
    attributes: true,
    // a configured selector may depend on any attribute
    ...(selectorsOn ? {} : { attributeFilter: [...CLASSIFYING_ATTRIBUTES] }),
  };
  // observing a tree again only renews the same registration
  const watchTree = (tree: Node) => observer.observe(tree, watching);
  watchTree(document);
  // A shadow root attached by script is filled in the same task, and rrweb
  // reports the document's changes before its content: watched at once, its
  // slots reach the capture layer, and the scrubber knows the host shows its
  // light-DOM children in them.
  hearShadowRoots((host, root) => {
    try {
      watchTree(root);
      const id = recordedId(host);
      if (id > 0) note({ kind: 'host', id });
      for (let child = host.firstChild; child; child = child.nextSibling) {
        if (recordedId(child) > 0) {
          lightHostAttached(host);
          break;
        }
      }
    } catch (error) {
      fail(error);
    }
  });
  let stopped = false;
  return {
    flush() {
      if (!stopped) changed(observer.takeRecords());
    },
    watchTree(tree) {
      if (!stopped) watchTree(tree);
    },
    stop() {
      stopped = true;
      observer.disconnect();
      hearShadowRoots(undefined);
    },
  };
}
