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
