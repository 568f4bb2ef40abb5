// @veil/core/engine: Veil's rules without a browser. The vocabulary every
// package shares (privacy modes, region marks, consent status, the wire
// protocol's numbers and batch), the detectors, URL scrubbing and the
// scrubber. Nothing here touches a DOM: it is built without DOM types, and a
// server (the collector) runs it as it is.
export {
  PRIVACY_MODES,
  DEFAULT_PRIVACY_MODE,
  isPrivacyMode,
  stricterMode,
  REGION_MARKS,
  MARK_ATTRIBUTE,
  MARK_CLASSES,
  MARK_CLASS_PREFIX,
  readMark,
  classMark,
  strongestMark,
  elementMark,
  consentStatus,
} from './vocabulary';
export type { PrivacyMode, RegionMark, ConsentState, ConsentStatus, RecorderState } from './vocabulary';
export {
  PROTOCOL_VERSION,
  EventType,
  IncrementalSource,
  SerializedNodeType,
  MouseInteraction,
  VISITOR_SOURCES,
  CUSTOM_EVENT_PREFIX,
  NAVIGATION_EVENT,
  opensRecording,
} from './protocol';
export type { RecordedEvent, RecordingBatch } from './protocol';
export { SETTINGS_VERSION, readSiteSettings, stricterPolicy } from './site-settings';
export type { SiteSettings, RecordingPolicy } from './site-settings';
export { createScrubber } from './scrub';
export type { Scrubber, ScrubberOptions } from './scrub';
export { scrubUrl, scrubSrcset } from './url';
export { maskPersonalData, luhnValid, ibanValid, hasEmail } from './detect';
export { warnOnce } from './warn';
