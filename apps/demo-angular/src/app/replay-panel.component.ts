import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { NoRecordDirective, VeilRecorder, type RecordedEvent, type RecordingBatch } from '@veil/angular';
import { opensRecording } from '@veil/core';
import type { Replayer } from 'rrweb';
import { SentBatches } from './sent-batches.service';

const LAST_BATCH_LIMIT = 4000;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/**
 * rrweb's player in live mode, fed every batch the transport received: the
 * page as a collector would store it. The panel marks itself [noRecord] (a
 * host directive), so the recorder never records its own replay.
 */
@Component({
  selector: 'app-replay-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  hostDirectives: [NoRecordDirective],
  host: { class: 'replay', id: 'replay-panel', 'aria-labelledby': 'replay-title' },
  template: `
    <div class="section-head">
      <h2 id="replay-title">Live replay</h2>
      <span class="replay-status" id="replay-status">{{ status() }}</span>
    </div>
    <p class="hint">
      rrweb's player rebuilding the page from exactly what the recorder handed to its transport — what a
      collector would store. (This panel is itself <code>noRecord</code>, so it is not recorded.)
    </p>
    <div class="replay-stage" id="replay-stage" #stage></div>
    <details class="sent" open>
      <summary>What was sent</summary>
      <dl class="stats">
        <div><dt>Batches</dt><dd id="stat-batches">{{ sent.batches() }}</dd></div>
        <div><dt>Events</dt><dd id="stat-events">{{ sent.events() }}</dd></div>
        <div><dt>Bytes</dt><dd id="stat-bytes">{{ bytes() }}</dd></div>
        <div><dt>Sessions</dt><dd id="stat-sessions">{{ sent.sessionCount() }}</dd></div>
      </dl>
      <p class="by-type">{{ sent.byType() }}</p>
      <div class="sent-actions">
        <button type="button" id="flush-now" (click)="flush()">Flush now</button>
        @if (veil.sessionId(); as id) {
          <span class="session">session {{ id }}</span>
        }
      </div>
      <h3>Last batch <small>{{ lastNote() }}</small></h3>
      <pre class="last-batch" id="last-batch">{{ lastJson() }}</pre>
    </details>
  `,
})
export class ReplayPanelComponent {
  protected readonly sent = inject(SentBatches);
  protected readonly veil = inject(VeilRecorder);
  private readonly stage = viewChild.required<ElementRef<HTMLElement>>('stage');
  protected readonly status = signal('waiting for the first batch…');
  protected readonly bytes = computed(() => formatBytes(this.sent.bytes()));
  protected readonly lastNote = computed(() => {
    const last = this.sent.last();
    return last ? `seq ${last.seq}, ${last.events} events, ${formatBytes(last.bytes)}` : '';
  });
  protected readonly lastJson = computed(() => {
    const last = this.sent.last();
    if (!last) return '(nothing yet)';
    const pretty = JSON.stringify(JSON.parse(last.json), null, 1);
    return pretty.length > LAST_BATCH_LIMIT ? `${pretty.slice(0, LAST_BATCH_LIMIT)}\n… (truncated)` : pretty;
  });

  private replayer: Replayer | null = null;
  private replaySession: string | null = null;
  private lastFedType: number | null = null;
  private recordedSize: { width: number; height: number } | null = null;

  constructor() {
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      // The player is loaded on demand: it is not part of what a site ships to record.
      import('rrweb')
        .then(({ Replayer }) => {
          if (destroyRef.destroyed) return;
          const unfollow = this.sent.follow((batch) => this.replay(Replayer, batch));
          const observer = new ResizeObserver(() => this.fit());
          observer.observe(this.stage().nativeElement);
          destroyRef.onDestroy(() => {
            unfollow();
            observer.disconnect();
            this.replayer?.destroy();
          });
        })
        .catch((error: unknown) => this.status.set(`rrweb's player did not load: ${String(error)}`));
    });
  }

  protected flush(): void {
    this.veil.flush().catch((error: unknown) => this.sent.error.set(`Flush failed: ${String(error)}`));
  }

  private replay(ReplayerClass: typeof Replayer, batch: RecordingBatch): void {
    for (const event of batch.events) {
      const startsRecording = opensRecording(event, this.lastFedType);
      if (startsRecording) this.newReplayer(ReplayerClass, event, batch.sessionId);
      else if (!this.replayer || batch.sessionId !== this.replaySession) continue; // no snapshot for it
      this.lastFedType = event.type;
      try {
        this.replayer!.addEvent(event as unknown as Parameters<Replayer['addEvent']>[0]);
      } catch (error) {
        this.status.set(`replay error: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private newReplayer(ReplayerClass: typeof Replayer, first: RecordedEvent, sessionId: string): void {
    const stage = this.stage().nativeElement;
    try {
      this.replayer?.destroy();
    } catch {
      // an old player that never started
    }
    stage.replaceChildren();
    this.recordedSize = null;
    const replayer = new ReplayerClass([], {
      root: stage,
      liveMode: true,
      mouseTail: false,
      showWarning: false,
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
      // A harmless rule that marks the replay's own document: the end-to-end test
      // checks that it never shows up in a recording (the panel is noRecord).
      insertStyleRules: ['.veil-demo-replay-frame { display: none }'],
    });
    replayer.on('resize', (size) => {
      this.recordedSize = size as { width: number; height: number };
      this.fit();
    });
    replayer.startLive(first.timestamp);
    this.replayer = replayer;
    this.replaySession = sessionId;
    this.status.set(`replaying session ${sessionId.slice(0, 8)}…`);
  }

  /** Scales the player (which has the recorded viewport's size) to the panel's width. */
  private fit(): void {
    const stage = this.stage().nativeElement;
    const wrapper = stage.querySelector<HTMLElement>('.replayer-wrapper');
    if (!wrapper || !this.recordedSize?.width) return;
    const scale = Math.min(1, stage.clientWidth / this.recordedSize.width);
    wrapper.style.transformOrigin = '0 0';
    wrapper.style.transform = `scale(${scale})`;
    stage.style.height = `${Math.ceil(this.recordedSize.height * scale)}px`;
  }
}
