export { VeilProvider } from './VeilProvider';
export { useRecorder } from './useRecorder';
export { useConsent } from './useConsent';
export { Sensitive } from './Sensitive';
export { NoRecord } from './NoRecord';
export { Unmask } from './Unmask';
export { VeilXray } from './VeilXray';
export { useSensitive } from './useSensitive';
export { useNoRecord } from './useNoRecord';
export { useUnmask } from './useUnmask';
export { createRecorder } from '@veil/core';
export type { VeilProviderOptions, VeilProviderProps } from './VeilProvider';
export type { VeilXrayProps } from './VeilXray';
export type { RecorderControls } from './useRecorder';
export type { ConsentControls } from './useConsent';
export type { AtLeast, MarkedProps, MarkerAttributes, MarkerComponent, MarkerProps } from './createMarker';

// The core's types (ConsentStatus, RegionMark, Recorder, RecorderOptions …), so an app needs one import.
export type * from '@veil/core';
