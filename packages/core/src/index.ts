export { createRecorder } from './recorder';
export { createScrubber } from './scrub';
export { scrubUrl, scrubSrcset } from './url';
export { maskPersonalData, luhnValid, ibanValid, hasEmail } from './detect';
export type { Scrubber, ScrubberOptions, ElementHint } from './scrub';
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
  ConsentState,
  UrlTransportOptions,
  RecorderEnvironment,
} from './types';
