// @veil/vue: Vue 3 bindings for Veil. Privacy rules live in @veil/core; this
// package only provides its recorder to an app and renders data-veil markers.
export { createVeil } from './plugin';
export { vSensitive, vNoRecord, vUnmask } from './directives';
export { useRecorder } from './useRecorder';
export { useConsent } from './useConsent';
export { recorderKey } from './context';
export { VeilXray } from './VeilXray';

export type { Veil, VeilOptions, VeilPluginOptions } from './plugin';
export type { VeilDirective, VeilDirectiveValue } from './directives';
export type { UseRecorderReturn } from './useRecorder';
export type { UseConsentReturn, ConsentDecision } from './useConsent';

// The core's types (ConsentStatus, RegionMark, Recorder, RecorderOptions …), so an app needs one import.
export type * from '@veil/core';
