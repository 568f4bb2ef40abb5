import {
  DestroyRef,
  ElementRef,
  Injectable,
  Injector,
  NgZone,
  PLATFORM_ID,
  afterNextRender,
  computed,
  inject,
  signal,
  type Signal,
} from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
import {
  consentStatus,
  createRecorder,
  type ConsentState,
  type ConsentStatus,
  type MarkTarget,
  type Recorder,
  type RecorderState,
  type StopOptions,
} from '@veil/core';
import { VEIL_OPTIONS } from './veil-options';

/**
 * Where the visitor's consent stands: the core's `ConsentStatus` (the same
 * states as `@veil/react`'s `useConsent()` and `@veil/vue`'s `status`):
 * - `'pending'`: the recorder waits for consent (`requireConsent`) and the
 *   visitor has not answered: time to ask.
 * - `'granted'` / `'revoked'`: the visitor's last answer, through this service or the core recorder.
 * - `'unknown'`: no answer yet and the recorder is not waiting for one.
 *
 * @example
 * private readonly veil = inject(VeilRecorder);
 * protected readonly askForConsent = computed(() => this.veil.consent() === 'pending');
 */
export type VeilConsent = ConsentStatus;

/**
 * Something to mark at run time: an element, an `ElementRef` (e.g. from
 * `viewChild`), or a CSS selector for present and future elements.
 *
 * @example
 * const notes = viewChild.required<ElementRef<HTMLElement>>('notes');
 * veil.mask(notes());
 */
export type VeilMarkTarget = MarkTarget | ElementRef<Element>;

export const MISSING_SETUP =
  '[veil] VeilRecorder was injected, but Veil is not set up in this application. ' +
  'Standalone application: add provideVeil({ transport: … }) to the providers of bootstrapApplication() (app.config.ts). ' +
  'NgModule application: add VeilModule.forRoot({ transport: … }) to the imports of your root module.';

/**
 * The application's recorder: one `@veil/core` recorder behind an injectable
 * service, with its state as signals. Recording runs outside the Angular zone
 * (no change detection per DOM event) and only in the browser: on the server
 * every method is a no-op and `state()` stays `'idle'`. The recorder stops when
 * the application is destroyed.
 *
 * Set it up with `provideVeil()` (standalone) or `VeilModule.forRoot()` (NgModule).
 *
 * @example
 * ```ts
 * @Component({
 *   selector: 'app-consent-banner',
 *   template: `
 *     @if (veil.consent() === 'pending') {
 *       <button (click)="veil.grantConsent()">Allow session recording</button>
 *     }`,
 * })
 * export class ConsentBanner {
 *   protected readonly veil = inject(VeilRecorder);
 * }
 * ```
 */
@Injectable({ providedIn: 'root' })
export class VeilRecorder {
  private readonly zone = inject(NgZone);
  private readonly core: Recorder | null;
  private readonly stateSignal = signal<RecorderState>('idle');
  private readonly consentSignal = signal<ConsentState>('unknown');
  private readonly sessionSignal = signal<string | null>(null);

  /** `'idle'`, `'awaiting-consent'`, `'recording'` or `'stopped'`; follows the core recorder. */
  readonly state: Signal<RecorderState> = this.stateSignal.asReadonly();
  /** `true` while recording. */
  readonly recording: Signal<boolean> = computed(() => this.stateSignal() === 'recording');
  /** Where consent stands: `'pending'` when the recorder waits for it (show your banner then). */
  readonly consent: Signal<VeilConsent> = computed(() => consentStatus(this.stateSignal(), this.consentSignal()));
  /**
   * The id of the current (or last) recording session, or `null` before the
   * first; read when the state changes (the core announces no other change, such
   * as a new session after a long pause: `recorder.sessionId` has the latest).
   */
  readonly sessionId: Signal<string | null> = this.sessionSignal.asReadonly();

  constructor() {
    const options = inject(VEIL_OPTIONS, { optional: true });
    if (!options) throw new Error(MISSING_SETUP);
    if (!isPlatformBrowser(inject(PLATFORM_ID))) {
      // Server rendering: nothing to record, and the markers are already in the HTML.
      this.core = null;
      return;
    }
    const { autoStart = true, ...recorderOptions } = options;
    // Created now rather than at start(): from this moment the core remembers which
    // fields were ever passwords, so a "show password" toggle cannot unmask one.
    const core = this.outside(() => createRecorder(recorderOptions));
    this.core = core;
    this.sync(core.state);
    const unsubscribe = core.subscribe((state) => this.sync(state));
    inject(DestroyRef).onDestroy(() => {
      unsubscribe();
      // Sends what is still buffered: the end of the session is not lost with the app.
      this.outside(() => core.stop());
      this.stateSignal.set(core.state);
    });
    if (autoStart) {
      const injector = inject(Injector);
      afterNextRender(() => this.start(), { injector });
    }
  }

  /**
   * The `@veil/core` recorder underneath, for what this service does not wrap;
   * `null` on the server. Call it outside the Angular zone
   * (`NgZone.runOutsideAngular`) in zone-based applications.
   */
  get recorder(): Recorder | null {
    return this.core;
  }

  /**
   * Starts recording (or, with `requireConsent`, waits for `grantConsent()`).
   * Needed only with `autoStart: false` or after `stop()`. Throws if another
   * recorder is already recording on the page.
   */
  start(): void {
    this.run((core) => core.start());
  }

  /** Stops recording; what is buffered is sent, unless `{ discard: true }`. */
  stop(options?: StopOptions): void {
    this.run((core) => core.stop(options));
  }

  /** Hands every buffered event to the transport; resolves when the transport has taken it. */
  flush(): Promise<void> {
    const core = this.core;
    return core ? this.outside(() => core.flush()) : Promise.resolve();
  }

  /** The visitor agreed: with `requireConsent`, recording starts now if `start()` was called. */
  grantConsent(): void {
    this.run((core) => core.grantConsent());
  }

  /** The visitor declined or withdrew: recording stops and what was not sent is discarded. */
  revokeConsent(): void {
    this.run((core) => core.revokeConsent());
  }

  /** Masks an element's subtree from now on (text and values replaced by placeholders). */
  mask(target: VeilMarkTarget): void {
    this.run((core) => core.mask(unwrap(target)));
  }

  /** Blocks an element's subtree from now on: it is never recorded, the replay shows an empty box. */
  block(target: VeilMarkTarget): void {
    this.run((core) => core.block(unwrap(target)));
  }

  /** Records plain text of an element's subtree in `strict` mode; never unmasks sensitive fields. */
  unmask(target: VeilMarkTarget): void {
    this.run((core) => core.unmask(unwrap(target)));
  }

  private run(action: (core: Recorder) => void): void {
    const core = this.core;
    if (core) this.outside(() => action(core));
  }

  /** rrweb's listeners, observers and timers are set up in here, so they never trigger change detection. */
  private outside<T>(fn: () => T): T {
    return this.zone.runOutsideAngular(fn);
  }

  private sync(state: RecorderState): void {
    // Signals need no zone; NgZone.run() also tells zone-based change detection.
    const update = () => {
      this.sessionSignal.set(this.core?.sessionId ?? null);
      this.consentSignal.set(this.core?.consent ?? 'unknown');
      this.stateSignal.set(state);
    };
    if (NgZone.isInAngularZone()) update();
    else this.zone.run(update);
  }
}

function unwrap(target: VeilMarkTarget): MarkTarget {
  return target instanceof ElementRef ? target.nativeElement : target;
}
