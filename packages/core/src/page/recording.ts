// One rrweb recording with Veil's two layers around it: the capture layer
// answers rrweb's masking hooks, the mark watcher tells both layers what the
// page changed, and the scrubber decides every event again before it leaves;
// what is typed into a field goes out when typing settles (settled-values.ts).
// This module is the live page the scrubber asks (LivePage): it maps rrweb's
// ids back to elements. What comes out of it is scrubbed; what it is for
// (sessions, batches, consent) is the recorder's business.
import { modeLevel, valueModeOf } from '../engine/classify';
import { EventType, IncrementalSource, VISITOR_SOURCES, type RecordedEvent } from '../engine/protocol';
import { createLiveScrubber, type LivePage, type LiveScrubber } from '../engine/scrub';
import type { PrivacyMode } from '../engine/vocabulary';
import { createCapture, type Capture, type SelectorSets } from './capture';
import { watchMarks, type MarkWatcher } from './mark-watcher';
import { recordedId, recordedNode, startRrweb, takeFullSnapshot } from './rrweb';
import { settleValues, type SettledValues } from './settled-values';

export interface RecordingOptions {
  /** The privacy in force (the page's options, tightened by the site's settings); read again on every restart. */
  policy: { privacy: PrivacyMode; recordInputs: boolean };
  /** The configured and run-time selectors; read again on every restart. */
  selectors: SelectorSets;
  checkoutInterval: number;
  /**
   * The visitor did something (moved, clicked, typed, scrolled …), whether or
   * not the event may be sent; false drops the event (it ended the session).
   */
  visitorActive(): boolean;
  /** Every event that may leave the page, scrubbed. */
  accept(event: RecordedEvent): void;
  /** Recording failed: nothing of the stretch in progress may be sent. */
  fail(error: unknown): void;
}

export interface Recording {
  /**
   * A new session begins: it must open with a full snapshot, taken as soon as
   * the event in progress is done; what rrweb reports before it is dropped
   * (the snapshot shows its outcome).
   */
  reopen(): void;
  /** Records again from scratch under the current policy and selectors (a fresh snapshot re-evaluates every node). */
  restart(): void;
  /** Sends the values still being typed now (settled-values.ts): before a flush, a stop, or the page leaving. */
  settle(): void;
  stop(): void;
}

/** Starts recording the page. Throws when rrweb cannot. */
export function startRecording(options: RecordingOptions): Recording {
  let running: { capture: Capture; scrubber: LiveScrubber; watcher: MarkWatcher; values: SettledValues; stopRrweb: () => void } | null =
    null;
  // broken: no event of the stretch in progress may be kept; failed: the recorder was told
  let broken = false;
  let failed = false;
  let checkoutTimer: ReturnType<typeof setTimeout> | undefined;
  let reopening = false;

  function fail(error: unknown) {
    broken = true;
    if (failed) return;
    failed = true;
    options.fail(error);
  }

  /**
   * rrweb swallows errors thrown while it serializes. A hook that fails
   * instead returns nothing, marks the recording broken so no event of the
   * stretch in progress is kept, and stops recording right after.
   */
  function guarded<E extends HTMLElement | null>(hook: (text: string, element: E) => string): (text: string, element: E) => string {
    // two named parameters, not rest and spread: rrweb calls this for every text and value
    return (text, element) => {
      try {
        return hook(text, element);
      } catch (error) {
        if (!broken) {
          broken = true;
          queueMicrotask(() => fail(error));
        }
        return '';
      }
    };
  }

  /**
   * Records pieces of text again, masked now: a match read across nodes runs
   * through them since they were recorded (page/text-lines.ts). Sent as the
   * text changes rrweb would send, right after the event that completed it.
   */
  function remask(capture: Capture, pieces: Text[]) {
    if (!running || broken || reopening) return;
    try {
      const texts: { id: number; value: string }[] = [];
      for (const piece of pieces) {
        const id = recordedId(piece);
        if (id > 0 && piece.parentElement) texts.push({ id, value: capture.text(piece.data, piece.parentElement) });
      }
      if (texts.length === 0) return;
      const clean = running.scrubber.scrub({
        type: EventType.IncrementalSnapshot,
        timestamp: Date.now(),
        data: { source: IncrementalSource.Mutation, texts, attributes: [], removes: [], adds: [] },
      });
      if (clean) options.accept(clean);
    } catch (error) {
      fail(error);
    }
  }

  function begin() {
    const { privacy, recordInputs } = options.policy;
    const mode = modeLevel(privacy);
    const selectors = options.selectors;
    const selectorsOn = selectors.mask.length + selectors.block.length + selectors.unmask.length > 0;
    const capture = createCapture(mode, selectors, (pieces) => remask(capture, pieces), valueModeOf(mode, recordInputs));
    // Created before rrweb starts, so that its observer runs before rrweb's.
    const watcher = watchMarks({
      capture,
      note: (change) => running?.scrubber.note(change),
      // Light-DOM children recorded before their host had a shadow root are
      // shown in its slots from then on. Once the task (and the microtasks)
      // that fill the root are over, a masked or blocked slot around them
      // means what was recorded in clear must not stay in the replay.
      lightHostAttached(host) {
        setTimeout(() => {
          try {
            if (!running) return;
            running.watcher.flush();
            if (running.capture.slotsRaiseLight(host)) page.requestCheckout();
          } catch (error) {
            fail(error);
          }
        }, 0);
      },
      selectorsOn,
      fail,
    });
    const page: LivePage = {
      // Without configured selectors only the password memory, which concerns
      // inputs, and the slots of shadow hosts know more than the serialized element.
      hint(id, tag, slotted) {
        if (!selectorsOn && !slotted && tag !== 'input') return undefined;
        const node = recordedNode(id);
        return node && node.nodeType === 1 ? capture.hint(node as Element) : undefined;
      },
      nestedTree(id) {
        const node = recordedNode(id) as Element | null;
        if (node) watcher.watchTree(node.shadowRoot ?? node);
      },
      requestCheckout() {
        if (checkoutTimer !== undefined) return;
        checkoutTimer = setTimeout(() => {
          checkoutTimer = undefined;
          if (running) takeFullSnapshot();
        }, 0);
      },
    };
    const values = settleValues((event) => options.accept(event), recordedNode);
    running = { capture, watcher, values, scrubber: createLiveScrubber(privacy, page, recordInputs), stopRrweb: () => undefined };
    try {
      running.stopRrweb = startRrweb({
        emit: (event) => {
          if (!running || broken) return;
          try {
            // What the page changed in the same task reaches both layers first:
            // rrweb reports checkbox and radio input without asking the capture
            // layer, and opens every full snapshot with a meta event, so the
            // capture layer never serializes with contexts kept from before a change.
            running.watcher.flush();
            const raw = event as RecordedEvent;
            if (reopening) {
              if (raw.type === EventType.FullSnapshot) reopening = false;
              else if (raw.type !== EventType.Meta) return;
            }
            if (raw.type === EventType.IncrementalSnapshot && VISITOR_SOURCES.has((raw.data as { source?: number })?.source as number)) {
              if (!options.visitorActive() || !running) return;
            }
            const clean = running.scrubber.scrub(raw);
            if (clean && !running.values.hold(clean)) options.accept(clean);
          } catch (error) {
            fail(error);
          }
        },
        maskInput: guarded((text: string, element: HTMLElement) => {
          running?.watcher.flush();
          return capture.value(text, element);
        }),
        maskText: guarded((text: string, element: HTMLElement | null) => capture.text(text, element)),
        blockSelector: capture.blockSelector,
        checkoutInterval: options.checkoutInterval,
        onError: fail,
      });
    } catch (error) {
      end();
      throw error;
    }
  }

  function end() {
    if (checkoutTimer !== undefined) clearTimeout(checkoutTimer);
    checkoutTimer = undefined;
    const was = running;
    running = null;
    if (!was) return;
    was.values.stop();
    was.watcher.stop();
    was.stopRrweb();
  }

  begin();
  return {
    reopen() {
      reopening = true;
      queueMicrotask(() => {
        if (running && reopening) takeFullSnapshot();
      });
    },
    restart() {
      running?.values.release();
      end();
      begin();
    },
    settle() {
      running?.values.release();
    },
    stop: end,
  };
}
