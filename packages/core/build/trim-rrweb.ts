// @rrweb/record always bundles code Veil never runs: the canvas recorder with
// its inline web worker, snapshots of canvas and image pixels (Veil never
// records pixels, which could show anything), the relaying of events from
// cross-origin iframes and their id mapping (Veil records same-origin frames
// only), user hooks, plugins, slimDOM presets and font collection (all
// unused), the virtual DOM node class of rrweb's player, a deprecated global
// mirror that wraps itself in a Proxy at import time, and the number-to-name
// halves of its enums.
// This esbuild plugin cuts them out of rrweb's pinned build, leaving inert
// stand-ins with the same interface. A marker that is not found fails the
// build, so an rrweb upgrade cannot silently ship a broken copy.
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

interface Cut {
  what: string;
  from: string;
  to: string;
  mustContain: string;
  replacement: string;
}

const CUTS: Cut[] = [
  {
    what: 'canvas recorder',
    from: 'var chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";',
    to: 'class StylesheetManager {',
    mustContain: 'class CanvasManager {',
    replacement: 'class CanvasManager { reset() {} freeze() {} unfreeze() {} lock() {} unlock() {} }\n',
  },
  {
    what: 'id mapping for cross-origin iframes',
    from: 'class CrossOriginIframeMirror {',
    to: 'class IframeManager {',
    mustContain: 'iframeRemoteIdToIdMap',
    replacement: 'class CrossOriginIframeMirror {}\n',
  },
  {
    what: 'messages relayed from cross-origin iframes',
    from: '  handleMessage(message) {',
    to: '  transformCrossOriginEvent(iframeEl, e) {',
    mustContain: 'crossOriginMessageEvent',
    replacement: '  handleMessage() {}\n',
  },
  {
    what: "a cross-origin iframe's recorder posting to its parent",
    from: '  const inEmittingFrame = recordCrossOriginIframes ? window.parent === window : true;',
    to: '  if (mousemoveWait !== void 0 && sampling.mousemove === void 0) {',
    mustContain: 'passEmitsToParent = true;',
    replacement: '  const inEmittingFrame = true;\n  const passEmitsToParent = false;\n  if (!emit) {\n    throw new Error("emit function is required");\n  }\n',
  },
  {
    what: "a cross-origin iframe's events sent to its parent",
    from: '    } else if (passEmitsToParent) {',
    to: '    if (e.type === EventType.FullSnapshot) {',
    mustContain: 'window.parent.postMessage(message, "*");',
    replacement: '    }\n',
  },
  {
    what: "slimDOM presets (Veil passes its options explicitly)",
    from: 'function slimDOMDefaults(_slimDOMOptions) {',
    to: 'function slimDOMExcluded(sn, slimDOMOptions) {',
    mustContain: 'headMetaDescKeywords: _slimDOMOptions === "all"',
    replacement: 'function slimDOMDefaults(_slimDOMOptions) {\n  return _slimDOMOptions || {};\n}\n',
  },
  {
    what: 'slimDOM rules for meta tags Veil keeps (description, social, robots, http-equiv, authorship)',
    from: '      if (slimDOMOptions.headMetaDescKeywords',
    to: 'slimDOMOptions.headMetaVerification &&',
    mustContain: 'slimDOMOptions.headMetaAuthorship',
    replacement: '      if (',
  },
  {
    what: "class-name patterns for blocking (Veil blocks by selector and leaves blockClass at rrweb's default string)",
    from: 'function classMatchesRegex(node, regex, checkAncestors) {',
    to: 'function needMaskingText(',
    mustContain: 'regex.test(className)',
    replacement: 'function classMatchesRegex() {\n  return false;\n}\n',
  },
  {
    what: 'the same pattern test when serializing',
    from: '    } else {\n      for (let eIndex = element.classList.length; eIndex--; ) {',
    to: '    if (blockSelector) {\n      return element.matches(blockSelector);',
    mustContain: 'blockClass.test(className)',
    replacement: '    }\n',
  },
  {
    // Veil always passes maskTextSelector '*' (its maskTextFn decides), which
    // every element matches: what is left of the test is whether there is one.
    what: "text-masking class and selector tests (Veil's selector is '*')",
    from: 'function needMaskingText(node, maskTextClass, maskTextSelector, checkAncestors) {',
    to: 'function onceIframeLoaded(',
    mustContain: 'el.closest(maskTextSelector)',
    replacement:
      'function needMaskingText(node) {\n  return isElement(node) ? index.childNodes(node).length > 0 : index.parentElement(node) !== null;\n}\n',
  },
  {
    what: 'plugin event processors (Veil passes no plugins)',
    from: '    for (const plugin of plugins || []) {\n      if (plugin.eventProcessor) {',
    to: '    if (packFn && // Disable packing',
    mustContain: 'e = plugin.eventProcessor(e);',
    replacement: '',
  },
  {
    what: 'plugin mirrors',
    from: '  for (const plugin of plugins || []) {\n    if (plugin.getMirror)',
    to: '  const processedNodeManager = new ProcessedNodeManager();',
    mustContain: 'crossOriginIframeStyleMirror: iframeManager.crossOriginIframeStyleMirror',
    replacement: '',
  },
  {
    what: 'plugin observers',
    from: '          plugins: ((_a2 = plugins == null ? void 0 : plugins.filter((p) => p.observer))',
    to: '        },\n        hooks\n      );',
    mustContain: 'type: EventType.Plugin,',
    replacement: '          plugins: []\n',
  },
  {
    what: 'cross-origin iframe event rewriting',
    from: '  transformCrossOriginEvent(iframeEl, e) {',
    to: 'class ShadowDomManager {',
    mustContain: 'patchRootIdOnNode(node, rootId) {',
    replacement: '  transformCrossOriginEvent() {\n    return false;\n  }\n}\n',
  },
  {
    what: 'canvas and image pixel snapshots',
    from: '  if (tagName === "canvas" && recordCanvas) {',
    to: '  if (["audio", "video"].includes(tagName)) {',
    mustContain: 'recordInlineImage',
    replacement: '',
  },
  {
    what: 'blank canvas check',
    from: 'function is2DCanvasBlank(canvas) {',
    to: 'function getInputType(element) {',
    mustContain: 'getImageData',
    replacement: '',
  },
  {
    what: 'user hooks around observer callbacks (Veil passes none)',
    from: 'function mergeHooks(o, hooks) {',
    to: 'function initObservers(o, hooks = {}) {',
    mustContain: 'mediaInteractionCb',
    replacement: 'function mergeHooks() {}\n',
  },
  {
    what: 'font collection',
    from: 'function initFontObserver({ fontCb, doc }) {',
    to: 'function initSelectionObserver(',
    mustContain: 'FontFace',
    replacement: 'function initFontObserver() {\n  return () => {};\n}\n',
  },
  {
    what: 'a stand-in for a Date.now that does not count milliseconds (Veil itself times with Date.now)',
    from: 'let nowTimestamp = Date.now;',
    to: 'function patch(source, name, replacement) {',
    mustContain: '.test(Date.now().toString())',
    replacement: 'const nowTimestamp = Date.now;\n',
  },
  {
    what: 'forEach polyfills for browsers older than any Veil supports',
    from: 'function polyfill(win = window) {',
    to: 'function isSerializedIframe(',
    mustContain: 'win.NodeList.prototype.forEach = Array.prototype.forEach;',
    replacement: 'function polyfill() {}\n',
  },
  {
    what: 'scroll-position fallbacks for browsers without window.pageXOffset',
    from: 'function getWindowScroll(win) {',
    to: 'function getWindowHeight() {',
    mustContain: 'win.pageXOffset !== void 0 ? win.pageXOffset :',
    replacement:
      'function getWindowScroll(win) {\n  const el = win.document.scrollingElement;\n  return el ? { left: el.scrollLeft, top: el.scrollTop } : { left: win.pageXOffset, top: win.pageYOffset };\n}\n',
  },
  {
    what: "player's virtual DOM node class",
    from: 'class BaseRRNode {',
    to: 'function on(type, fn, target = document) {',
    mustContain: 'RRDomException',
    replacement: 'class BaseRRNode {}\n',
  },
  {
    what: 'deprecated global mirror',
    from: 'const DEPARTED_MIRROR_ACCESS_WARNING',
    to: 'function throttle(',
    mustContain: 'new Proxy(_mirror',
    replacement: '',
  },
];

export function trimRrweb(): Plugin {
  return {
    name: 'veil-trim-rrweb',
    setup(build) {
      build.onLoad({ filter: /@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, async (args) => {
        let source = await readFile(args.path, 'utf8');
        for (const cut of CUTS) {
          const start = source.indexOf(cut.from);
          const end = source.indexOf(cut.to, start);
          if (start < 0 || end < 0 || !source.slice(start, end).includes(cut.mustContain)) {
            throw new Error(`veil-trim-rrweb: the ${cut.what} in ${args.path} was not found; check the markers against this rrweb version.`);
          }
          source = source.slice(0, start) + cut.replacement + source.slice(end);
        }
        // TypeScript enums map numbers back to names as well; rrweb only looks
        // them up by name (and skips numeric keys when it lists them).
        let enumMembers = 0;
        source = source.replace(/(\w+)\[\1\["(\w+)"\] = (-?\d+)\] = "\2";/g, (_all, table: string, name: string, value: string) => {
          enumMembers++;
          return `${table}["${name}"] = ${value};`;
        });
        if (enumMembers < 40) throw new Error(`veil-trim-rrweb: found ${enumMembers} enum members in ${args.path}, expected rrweb's 50; check the pattern against this rrweb version.`);
        return { contents: source, loader: 'js' };
      });
    },
  };
}
