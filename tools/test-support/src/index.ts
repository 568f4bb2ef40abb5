export { CHROMIUM_PATH, CHROMIUM_ARGS, launchChromium } from './chromium';
export { findLeaks, squash, stringsIn } from './leaks';
export {
  MODES,
  REPLAY_PANEL_TEXT,
  UNMASKED_TEXT,
  openDemo,
  replayed,
  sentBatches,
  sessionsIn,
  type Mode,
  type OpenedDemo,
  type Replayed,
  type SentBatch,
  type SentEvent,
} from './demo';
export {
  MARK_COMBINATIONS,
  MARK_COMBINATION_CASES,
  MARKER_MARKS,
  attributesOf,
  attributesOfElement,
  expectedMarks,
  renderedMarks,
  type Mark,
  type MarkReader,
  type RenderedMark,
  type MarkCombination,
  type MarkedElement,
  type Marker,
} from './markers';
export { PERSONAL_DATA_PREFIXES, TYPED_PERSONAL_DATA, ordinaryFields, personalDataPrefixesSeen, typePersonalData } from './personal-typing';
export { XRAY_OVERLAY_TEXT, runXraySwitch, setXrayPrivacy, xrayShown, type XrayOutcome, type XraySwitchRun, type XrayShown } from './xray';
export { recordingOf } from './leaks';
