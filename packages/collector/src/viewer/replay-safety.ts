// What the viewer hands the player must not break the replay as a whole. A
// serialized Document node is only ever the root of a full snapshot or the
// node of a mutation's add (an iframe's content, attached by rrweb to that
// iframe). Anywhere else, inside some node's childNodes, rrweb's rebuild
// treats it as *the* document: it calls document.open() on the replay's own
// document, wiping everything built so far, and then fails to append it, so
// one hand-made batch leaves the whole replay blank. Such nodes are dropped
// here, for recordings stored before ingest knew about them too.
import { EventType, IncrementalSource, SerializedNodeType, type RecordedEvent } from '@veil/core/engine';

interface TreeNode {
  type?: unknown;
  childNodes?: unknown;
}

/** Removes Document nodes from the childNodes of every node under `root` (not `root` itself). Walked with a list: trees may be deep. */
function dropNestedDocuments(root: unknown): void {
  const pending: unknown[] = [root];
  while (pending.length) {
    const node = pending.pop() as TreeNode | null;
    if (!node || typeof node !== 'object' || !Array.isArray(node.childNodes)) continue;
    const children = node.childNodes as unknown[];
    if (children.some((child) => (child as TreeNode | null)?.type === SerializedNodeType.Document)) {
      node.childNodes = children.filter((child) => (child as TreeNode | null)?.type !== SerializedNodeType.Document);
    }
    pending.push(...(node.childNodes as unknown[]));
  }
}

/** Makes the events safe for rrweb's replay, in place. */
export function makeReplayable(events: RecordedEvent[]): RecordedEvent[] {
  for (const event of events) {
    const data = (event as { data?: unknown }).data as Record<string, unknown> | undefined;
    if (!data || typeof data !== 'object') continue;
    if (event.type === EventType.FullSnapshot) {
      dropNestedDocuments(data.node);
    } else if (event.type === EventType.IncrementalSnapshot && data.source === IncrementalSource.Mutation && Array.isArray(data.adds)) {
      for (const add of data.adds as { node?: unknown }[]) dropNestedDocuments(add?.node);
    }
  }
  return events;
}
