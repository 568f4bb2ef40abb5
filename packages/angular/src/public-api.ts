/*
 * @veil/angular: Veil's privacy-first session recording for Angular.
 * One @veil/core recorder behind provideVeil() / VeilModule.forRoot(), an
 * injectable VeilRecorder, and the [sensitive] / [noRecord] / [unmask]
 * directives that render the data-veil markers.
 */
export { provideVeil } from './lib/provide-veil';
export { VeilModule } from './lib/veil.module';
export { VeilRecorder } from './lib/veil-recorder.service';
export type { VeilConsent, VeilMarkTarget } from './lib/veil-recorder.service';
export { VEIL_OPTIONS } from './lib/veil-options';
export type { VeilOptions, VeilOptionsInput } from './lib/veil-options';
export { SensitiveDirective } from './lib/sensitive.directive';
export { NoRecordDirective } from './lib/no-record.directive';
export { UnmaskDirective } from './lib/unmask.directive';

// The core's types (ConsentStatus, RegionMark, Recorder, RecorderOptions …), so that an Angular app needs only this package.
export type * from '@veil/core';
