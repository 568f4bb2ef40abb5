import { InjectionToken } from '@angular/core';
import type { RecorderOptions } from '@veil/core';

/**
 * What `provideVeil()` and `VeilModule.forRoot()` take: the core's recorder
 * options, plus when to start.
 *
 * @example
 * const options: VeilOptions = {
 *   privacy: 'strict',
 *   transport: 'https://collector.example.com/v1/ingest',
 *   requireConsent: true,
 * };
 */
export interface VeilOptions extends RecorderOptions {
  /**
   * `true` (default): `start()` once the application has rendered for the
   * first time in the browser (with `requireConsent`, recording then waits for
   * `grantConsent()`). `false`: call `VeilRecorder.start()` yourself.
   */
  autoStart?: boolean;
}

/**
 * Options, or a function that returns them. The function runs in an injection
 * context, so it can `inject()` services (for a transport that hands batches
 * to one of yours, say).
 *
 * @example
 * provideVeil(() => ({ transport: inject(RecordingUpload).send, privacy: inject(SETTINGS).privacy }));
 */
export type VeilOptionsInput = VeilOptions | (() => VeilOptions);

/**
 * The options of the nearest `provideVeil()` / `VeilModule.forRoot()`.
 *
 * @example
 * const privacy = inject(VEIL_OPTIONS).privacy ?? 'strict';
 */
export const VEIL_OPTIONS = new InjectionToken<VeilOptions>('VEIL_OPTIONS');

/**
 * One entry per `provideVeil()` / `VeilModule.forRoot()` call in an injector,
 * so that a second set-up can be noticed and warned about.
 */
export const VEIL_SETUP = new InjectionToken<readonly string[]>('VEIL_SETUP');
