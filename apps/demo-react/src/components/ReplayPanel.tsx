import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Replayer } from 'rrweb';
import { opensRecording } from '@veil/core';
import { NoRecord, useRecorder } from '@veil/react';
import { formatBytes, onBatch, sentStats } from '../sent';

type ReplayEvent = Exclude<Parameters<Replayer['addEvent']>[0], string>;

const LAST_BATCH_LIMIT = 4000;
const subscribeStats = (onChange: () => void) => onBatch(() => onChange());

/**
 * rrweb's player in live mode, fed every batch the transport received: the page
 * as a collector would replay it. The panel is itself <NoRecord>, so the
 * recorder never records its own replay.
 */
export function ReplayPanel() {
  const stage = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('waiting for the first batch…');
  const stats = useSyncExternalStore(subscribeStats, sentStats);
  const { flush } = useRecorder();

  useEffect(() => {
    const root = stage.current!;
    let replayer: Replayer | null = null;
    let session: string | null = null;
    let lastType: number | null = null;
    let size: { width: number; height: number } | null = null;

    // the player has the recorded viewport's size: scale it to the panel
    const fit = () => {
      const wrapper = root.querySelector<HTMLElement>('.replayer-wrapper');
      if (!wrapper || !size?.width) return;
      const scale = Math.min(1, root.clientWidth / size.width);
      wrapper.style.transformOrigin = '0 0';
      wrapper.style.transform = `scale(${scale})`;
      root.style.height = `${Math.ceil(size.height * scale)}px`;
    };

    const begin = (first: ReplayEvent, sessionId: string) => {
      try {
        replayer?.destroy();
      } catch {
        // a player that never started
      }
      root.replaceChildren();
      size = null;
      replayer = new Replayer([], {
        root,
        liveMode: true,
        mouseTail: false,
        showWarning: false,
        triggerFocus: false,
        UNSAFE_replayCanvas: false,
        // a harmless rule in the replay's document: the end-to-end test checks it is never recorded
        insertStyleRules: ['.veil-demo-replay-frame { display: none }'],
      });
      replayer.on('resize', (dimension) => {
        size = dimension as { width: number; height: number };
        fit();
      });
      replayer.startLive(first.timestamp);
      session = sessionId;
      setStatus(`replaying session ${sessionId.slice(0, 8)}…`);
    };

    const off = onBatch((batch) => {
      for (const event of batch.events as unknown as ReplayEvent[]) {
        // a recording (or a restart of one) begins with Meta, then a full snapshot
        if (opensRecording(event, lastType)) begin(event, batch.sessionId);
        else if (!replayer || batch.sessionId !== session) continue; // no snapshot for this session: cannot replay
        lastType = event.type;
        try {
          replayer!.addEvent(event);
        } catch (error) {
          setStatus(`replay error: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
    const resize = new ResizeObserver(fit);
    resize.observe(root);
    return () => {
      off();
      resize.disconnect();
      replayer?.destroy();
      root.replaceChildren();
    };
  }, []);

  const last = stats.last;
  let lastJson = last ? JSON.stringify(last.batch, null, 1) : '(nothing yet)';
  if (lastJson.length > LAST_BATCH_LIMIT) lastJson = `${lastJson.slice(0, LAST_BATCH_LIMIT)}\n… (truncated)`;

  return (
    <NoRecord as="aside" className="replay" id="replay-panel" aria-labelledby="replay-title">
      <div className="section-head">
        <h2 id="replay-title">Live replay</h2>
        <span className="replay-status" id="replay-status">
          {status}
        </span>
      </div>
      <p className="hint">
        rrweb&apos;s player rebuilding the page from exactly what the recorder handed to its transport — what a collector would store. (This
        panel is itself <code>&lt;NoRecord&gt;</code>, so it is not recorded.)
      </p>
      <div className="replay-stage" id="replay-stage" ref={stage} />
      <details className="sent" open>
        <summary>What was sent</summary>
        <dl className="stats">
          <div>
            <dt>Batches</dt>
            <dd id="stat-batches">{stats.batches}</dd>
          </div>
          <div>
            <dt>Events</dt>
            <dd>{stats.events}</dd>
          </div>
          <div>
            <dt>Bytes</dt>
            <dd>{formatBytes(stats.bytes)}</dd>
          </div>
          <div>
            <dt>Sessions</dt>
            <dd>{stats.sessions}</dd>
          </div>
        </dl>
        <p className="by-type">
          {Object.entries(stats.byType)
            .map(([name, count]) => `${name} ${count}`)
            .join(' · ')}
        </p>
        <div className="sent-actions">
          <button type="button" onClick={() => void flush()}>
            Flush now
          </button>
          {last && <span className="session">session {last.batch.sessionId}</span>}
        </div>
        <h3>
          Last batch{' '}
          {last && (
            <small>
              seq {last.batch.seq}, {last.batch.events.length} events, {formatBytes(last.bytes)}
            </small>
          )}
        </h3>
        <pre className="last-batch">{lastJson}</pre>
      </details>
    </NoRecord>
  );
}
