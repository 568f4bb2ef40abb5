// @veil/testing: check in your own tests what Veil records. The Playwright
// helpers run in Node (this entry); the matchers run in the browser
// (`@veil/testing/matchers`).
export { recordPage, expectNoLeak, privacyReport } from './page';
export type { PageLike, PageRecording, SentRecording, RecordPageOptions, FieldReport } from './page';
export { findLeaks, squash, stringsIn } from './leaks';
export type { Secrets } from './leaks';
export { replayedText, LINE_BREAK } from './replayed';
export type { RecordedEvent } from './replayed';
