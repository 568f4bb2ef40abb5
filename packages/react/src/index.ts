export { VeilProvider } from './VeilProvider';
export { useRecorder } from './useRecorder';
export { useConsent } from './useConsent';
export { Sensitive } from './Sensitive';
export { NoRecord } from './NoRecord';
export { Unmask } from './Unmask';
export { useSensitive } from './useSensitive';
export { useNoRecord } from './useNoRecord';
export { useUnmask } from './useUnmask';
export { createRecorder } from '@veil/core';
export type { VeilProviderProps } from './VeilProvider';
export type { RecorderControls } from './useRecorder';
export type { ConsentControls, ConsentState } from './useConsent';
export type { MarkerAttributes, MarkerComponent, MarkerProps } from './createMarker';
export type {
  PrivacyMode,
  RegionMark,
  RecorderState,
  RecordedEvent,
  RecordingBatch,
  TransportFunction,
  Transport,
  MarkTarget,
  RecorderOptions,
  StopOptions,
  RecorderListener,
  Recorder,
  Scrubber,
  ScrubberOptions,
  ElementHint,
} from '@veil/core';
