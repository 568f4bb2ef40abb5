export { CHROMIUM_PATH, CHROMIUM_ARGS, launchChromium } from './chromium';
export { findLeaks, squash, stringsIn } from './leaks';
