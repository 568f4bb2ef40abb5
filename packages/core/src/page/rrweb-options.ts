// The rrweb options Veil always records with: the recorder, the test that
// compares the bundled rrweb with stock rrweb, and the overhead benchmark use
// this one object. The hooks that decide masking (maskInputFn, maskTextFn,
// blockSelector) are added per recording by page/rrweb.ts.

/**
 * What Veil asks of rrweb whatever the privacy mode: every input and every
 * text goes through Veil's hooks (a masked default), nothing is recorded as
 * pixels or fonts, cross-origin frames are left alone, and scripts and
 * comments are not serialized at all.
 */
export const RRWEB_OPTIONS = Object.freeze({
  // every input value goes through maskInputFn, which decides
  maskAllInputs: true,
  // every text goes through maskTextFn, which decides
  maskTextSelector: '*',
  slimDOMOptions: Object.freeze({ script: true, comment: true, headFavicon: true, headMetaVerification: true }),
  recordCanvas: false,
  collectFonts: false,
  inlineImages: false,
  recordCrossOriginIframes: false,
});
