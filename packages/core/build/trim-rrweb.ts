// @rrweb/record always bundles code Veil never runs: the canvas recorder with
// its inline web worker, snapshots of canvas and image pixels (Veil never
// records pixels, which could show anything), the relaying of events from
// cross-origin iframes and their id mapping (Veil records same-origin frames
// only), user hooks, plugins, slimDOM presets and font collection (all
// unused), the virtual DOM node class of rrweb's player and the mirror
// methods only its player calls, a deprecated global mirror that wraps
// itself in a Proxy at import time, the number-to-name halves of its enums,
// record.freezePage, and what is left of the above once they are gone:
// cross-origin iframe state, slimDOM options Veil does not set, link-element
// tracking that ends in a no-op. Where rrweb reads options Veil never passes
// (sampling, userTriggeredOnInput, ignoreCSSAttributes, ignoreClass, packFn,
// checkoutEveryNth), their defaults are written out instead.
// This esbuild plugin cuts them out of rrweb's pinned build, leaving inert
// stand-ins with the same interface. It also takes work out of the hot paths
// of rrweb's serializer and observers where the same result costs less (the
// last entries): every page pays for that walk, and a cheaper rrweb leaves
// room for Veil's own two layers. test/browser/trimmed-rrweb.test.ts records
// the same pages with this copy and with stock rrweb and compares the events.
// The very last entry, a checked radio's group, records differently on
// purpose (see there); the test checks it on a page of its own.
// A marker that is not found fails the build, so an rrweb upgrade cannot
// silently ship a broken copy.
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
    replacement: 'class CanvasManager { reset() {} lock() {} unlock() {} }\n',
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
    replacement: '',
  },
  {
    what: "a cross-origin iframe's recorder posting to its parent, and the check that an emit function was passed (Veil always passes one)",
    from: '  const inEmittingFrame = recordCrossOriginIframes ? window.parent === window : true;',
    to: '  if (mousemoveWait !== void 0 && sampling.mousemove === void 0) {',
    mustContain: 'passEmitsToParent = true;',
    replacement: '  const inEmittingFrame = true;\n  const passEmitsToParent = false;\n',
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
    what: "class-name patterns for blocking (Veil blocks by selector only: see the blockClass tests below)",
    from: 'function classMatchesRegex(node, regex, checkAncestors) {',
    to: 'function needMaskingText(',
    mustContain: 'regex.test(className)',
    replacement: 'function classMatchesRegex() {\n  return false;\n}\n',
  },
  {
    // Veil's blockSelector carries rrweb's default class (capture.ts,
    // MARKER_BLOCK), so one matches() asks both; the class test read each
    // element's classList, which Chromium builds on first use.
    what: 'the blockClass test when serializing',
    from: '    if (typeof blockClass === "string") {\n      if (element.classList.contains(blockClass)) {',
    to: '    if (blockSelector) {\n      return element.matches(blockSelector);',
    mustContain: 'blockClass.test(className)',
    replacement: '',
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
    replacement: '}\n',
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
  // In the order of record.js. Each of these is dead for the options Veil
  // passes (packages/core/src/recorder.ts, rrwebOptions) or only fed code cut above.
  {
    what: "Mirror.getIds (only the cross-origin iframe mirror, cut above, called it)",
    from: '  getIds() {\n    return Array.from(this.idNodeMap.keys());',
    to: '  getMeta(n) {',
    mustContain: 'idNodeMap.keys()',
    replacement: '',
  },
  {
    what: 'Mirror.replace (called by rrweb\'s player, never while recording)',
    from: '  replace(id, n) {\n    const oldNode = this.getNode(id);',
    to: '  reset() {',
    mustContain: 'this.nodeMetaMap.set(n, meta);',
    replacement: '',
  },
  {
    what: "the player's virtual nodes in the shadow-root test (BaseRRNode is cut above)",
    from: 'function hasShadowRoot(n) {',
    to: 'class StyleSheetMirror {',
    mustContain: 'n instanceof BaseRRNode && "shadowRoot" in n',
    replacement: 'function hasShadowRoot(n) {\n  return !!n && Boolean(index.shadowRoot(n));\n}\n',
  },
  {
    what: 'whitespace-only text dropped from <head> (slimDOM headWhitespace, which Veil does not set)',
    from: ' || !preserveWhiteSpace && _serializedNode.type === NodeType.Text',
    to: ') {\n    id = IGNORED_NODE;',
    mustContain: '.replace(/^\\s+|\\s+$/gm, "")',
    replacement: '',
  },
  {
    what: 'the headWhitespace switch',
    from: '    if (slimDOMOptions.headWhitespace && ',
    to: '    const bypassOptions = {',
    mustContain: 'preserveWhiteSpace = false;',
    replacement: '',
  },
  {
    what: 'title mutations left out (slimDOM headTitleMutations, which Veil does not set)',
    from: '  if (n.tagName === "TITLE" && slimDOMOptions.headTitleMutations) {',
    to: '  return mirror2.getId(n) === IGNORED_NODE;',
    mustContain: 'return true;',
    replacement: '',
  },
  {
    what: 'registering each added iframe for cross-origin relaying (only the code cut above read it) and tracking each added stylesheet link (its tracker is a no-op, rrweb TODO)',
    from: '            if (isSerializedIframe(currentN, this.mirror)) {',
    to: '            if (hasShadowRoot(n)) {',
    mustContain: 'this.stylesheetManager.trackLinkElement(',
    replacement: '',
  },
  {
    what: 'freezing mutation batches (record.freezePage, which Veil never calls)',
    from: '  freeze() {\n    this.frozen = true;',
    to: '  lock() {\n    this.locked = true;',
    mustContain: 'isFrozen() {',
    replacement: '',
  },
  {
    what: 'starting font observers (collectFonts is false)',
    from: '  let fontObserver = () => {\n  };\n',
    to: '  if (o.recordDOM) {\n    styleSheetObserver =',
    mustContain: 'fontObserver',
    replacement: '',
  },
  {
    what: 'the font observer',
    from: '    if (o.collectFonts) {\n      fontObserver = initFontObserver(o);\n    }\n',
    to: '  }\n  const selectionObserver = initSelectionObserver(o);',
    mustContain: 'initFontObserver',
    replacement: '',
  },
  {
    what: 'starting plugin observers (Veil passes no plugins)',
    from: '  const pluginHandlers = [];\n  for (const plugin of o.plugins) {',
    to: '  return callbackWrapper(() => {\n    mutationBuffers.forEach((b) => b.reset());',
    mustContain: 'plugin.observer(plugin.callback',
    replacement: '',
  },
  {
    what: 'stopping the font observer',
    from: '    fontObserver();\n',
    to: '    selectionObserver();\n    customElementObserver();',
    mustContain: 'fontObserver',
    replacement: '',
  },
  {
    what: 'stopping plugin observers',
    from: '    pluginHandlers.forEach((h) => h());\n',
    to: '  });\n}',
    mustContain: 'pluginHandlers',
    replacement: '',
  },
  {
    what: 'cross-origin iframe state and message listener in the iframe manager (recordCrossOriginIframes is false), and its iframe registry, read only by the cross-origin code',
    from: 'class IframeManager {\n  constructor(options) {',
    to: '  addLoadListener(cb) {',
    mustContain: 'window.addEventListener("message", this.handleMessage.bind(this));',
    replacement:
      'class IframeManager {\n  constructor(options) {\n    __publicField(this, "loadListener");\n    this.mirror = options.mirror;\n    this.mutationCb = options.mutationCb;\n    this.stylesheetManager = options.stylesheetManager;\n  }\n',
  },
  {
    what: "listening to a loaded frame's cross-origin messages",
    from: '    if (this.recordCrossOriginIframes)\n      (_a2 = iframeEl.contentWindow)',
    to: '    (_b = this.loadListener) == null',
    mustContain: 'this.handleMessage.bind(this)',
    replacement: '',
  },
  {
    what: 'tracking link elements, which ends in a no-op (rrweb TODO: snapshot on stylesheet reload)',
    from: '    this.trackLinkElement(linkEl);\n  }\n  trackLinkElement(linkEl) {',
    to: '  adoptStyleSheets(sheets, hostId) {',
    mustContain: 'this.trackStylesheetInLinkElement(linkEl);',
    replacement: '  }\n',
  },
  {
    what: 'the no-op link tracker',
    from: '    this.trackedLinkElements = /* @__PURE__ */ new WeakSet();\n  }\n',
    to: 'class ProcessedNodeManager {',
    mustContain: 'trackStylesheetInLinkElement(_linkEl) {',
    replacement: '  }\n}\n',
  },
  {
    what: 'the set of tracked link elements',
    from: '    __publicField(this, "trackedLinkElements", /* @__PURE__ */ new WeakSet());\n',
    to: '    __publicField(this, "mutationCb");',
    mustContain: 'trackedLinkElements',
    replacement: '',
  },
  {
    what: 'unfreezing on the next non-mutation event after record.freezePage',
    from: '    if (((_a2 = mutationBuffers[0]) == null ? void 0 : _a2.isFrozen())',
    to: '    if (inEmittingFrame) {',
    mustContain: 'buf.unfreeze()',
    replacement: '',
  },
  {
    what: 'registering each snapshotted iframe and stylesheet link (as for added ones above)',
    from: '        if (isSerializedIframe(n, mirror)) {',
    to: '        if (hasShadowRoot(n)) {',
    mustContain: 'stylesheetManager.trackLinkElement(n);',
    replacement: '',
  },
  {
    what: 'the font event callback',
    from: '          fontCb: (p) => wrappedEmit({',
    to: '          selectionCb: (p) => {',
    mustContain: 'IncrementalSource.Font',
    replacement: '',
  },
  {
    what: 'record.freezePage',
    from: 'record.freezePage = () => {',
    to: 'record.takeFullSnapshot = ',
    mustContain: 'buf.freeze()',
    replacement: '',
  },
  // Options Veil never passes, read where rrweb records input, mouse and CSSOM
  // changes: what is left is rrweb's behaviour for their defaults.
  {
    what: 'the pre-standard event.path fallback (every browser Veil supports has composedPath)',
    from: '    } else if ("path" in event && event.path.length) {',
    to: '  } catch {',
    mustContain: 'return event.path[0];',
    replacement: '    }\n',
  },
  {
    what: "mouse-move sampling options (Veil passes no sampling: rrweb's defaults, written out)",
    from: '  if (sampling.mousemove === false) {',
    to: '  let positions = [];',
    mustContain: 'sampling.mousemoveCallback',
    replacement: '  const threshold = 50;\n  const callbackThreshold = 500;\n',
  },
  {
    what: 'mouse-interaction sampling options',
    from: '  if (sampling.mouseInteraction === false) {',
    to: '  const handlers = [];\n  let currentPointerType = null;',
    mustContain: 'const disableMap = sampling.mouseInteraction === true',
    replacement: '  const disableMap = {};\n',
  },
  {
    what: 'the userTriggered flag on input events (userTriggeredOnInput, which Veil does not set)',
    from: '    const userTriggered = event.isTrusted;\n',
    to: '    const tagName = target && target.tagName;',
    mustContain: 'userTriggered',
    replacement: '',
  },
  {
    what: 'the userTriggered flag on input events',
    from: '      userTriggeredOnInput ? { text, isChecked, userTriggered } : { text, isChecked }',
    to: '    );\n    const name = target.name;',
    mustContain: '{ text, isChecked }',
    replacement: '      { text, isChecked }\n',
  },
  {
    what: 'the userTriggered flag on radio siblings',
    from: '            userTriggeredOnInput ? { text: text2, isChecked: !isChecked, userTriggered: false } : ',
    to: '{ text: text2, isChecked: !isChecked }',
    mustContain: 'userTriggered: false',
    replacement: '',
  },
  {
    what: 'input sampling ("last" records change events only)',
    from: '  const events = sampling.input === "last" ? ["change"] : ["input", "change"];',
    to: '  const handlers = events.map(',
    mustContain: 'sampling.input',
    replacement: '  const events = ["input", "change"];\n',
  },
  {
    what: 'CSS properties left unrecorded (ignoreCSSAttributes, which Veil does not set)',
    from: '        if (ignoreCSSAttributes.has(property)) {\n          return setProperty.apply(',
    to: '        const { id, styleId } = getIdAndStyleId(',
    mustContain: '[property, value, priority]',
    replacement: '',
  },
  {
    what: 'CSS properties left unrecorded, on removal',
    from: '        if (ignoreCSSAttributes.has(property)) {\n          return removeProperty.apply(',
    to: '        const { id, styleId } = getIdAndStyleId(',
    mustContain: '[property]',
    replacement: '',
  },
  {
    what: 'event packing (packFn, which Veil does not set)',
    from: '    if (packFn && // Disable packing',
    to: '    return e;\n  };\n  wrappedEmit',
    mustContain: 'e = packFn(e);',
    replacement: '',
  },
  {
    what: 'a checkout every N events (checkoutEveryNth, which Veil does not set; it passes checkoutEveryNms)',
    from: '      incrementalSnapshotCount++;\n      const exceedCount',
    to: '        takeFullSnapshot(true);\n      }\n    }\n  };',
    mustContain: 'checkoutEveryNth && incrementalSnapshotCount >= checkoutEveryNth',
    replacement: '      if (checkoutEveryNms && e.timestamp - lastFullSnapshotEvent.timestamp > checkoutEveryNms) {\n',
  },
  {
    what: 'mousemoveWait, the old name of the mouse-move sampling option (only the sampling cut above read it)',
    from: '  if (mousemoveWait !== void 0 && sampling.mousemove === void 0) {',
    to: '  mirror.reset();',
    mustContain: 'sampling.mousemove = mousemoveWait',
    replacement: '',
  },
  {
    what: "the snapshot's own maskAllInputs presets (record passes it the option object it built)",
    from: '  const maskInputOptions = maskAllInputs === true ? {\n    color: true,',
    to: '  const slimDOMOptions = slimDOMDefaults(slimDOM);',
    mustContain: 'maskAllInputs === false',
    replacement: '  const maskInputOptions = maskAllInputs;\n',
  },
  {
    what: "the maskAllInputs switch (Veil passes true: rrweb's preset of text-like fields, selects and textareas)",
    from: '  const maskInputOptions = maskAllInputs === true ? {\n    color: true,',
    to: '    date: true,',
    mustContain: 'maskAllInputs === true',
    replacement: '  const maskInputOptions = {\n    color: true,\n',
  },
  {
    what: 'maskInputOptions when maskAllInputs is not true',
    from: '  } : _maskInputOptions !== void 0 ? _maskInputOptions : { password: true };',
    to: '  const slimDOMOptions = slimDOMDefaults(_slimDOMOptions);',
    mustContain: '_maskInputOptions',
    replacement: '  };\n',
  },
  // Faster, same output. rrweb's serializer walks every node of the page; these
  // take work out of that walk without changing a byte of what it records
  // (test/browser/trimmed-rrweb.test.ts records pages with both copies).
  {
    what: 'the blockClass test on live elements (the same selector carries it)',
    from: '  try {\n    if (typeof blockClass === "string") {\n      if (el.classList.contains(blockClass)) return true;',
    to: '  if (blockSelector) {\n    if (el.matches(blockSelector)) return true;',
    mustContain: 'classMatchesRegex(el, blockClass, checkAncestors)',
    replacement: '',
  },
  {
    // The class test it replaced read the element's own classList; a
    // selector test must not go through a matches() or closest() that a
    // component defines for its own API (nor may the ignore test below).
    what: "the block selector asked through the element's own matches and closest",
    from: '    if (el.matches(blockSelector)) return true;\n    if (checkAncestors && el.closest(blockSelector) !== null) return true;',
    to: '\n  }',
    mustContain: 'el.closest(blockSelector)',
    replacement:
      '    if (Element.prototype.matches.call(el, blockSelector)) return true;\n' +
      '    if (checkAncestors && Element.prototype.closest.call(el, blockSelector) !== null) return true;',
  },
  {
    what: "the block selector asked through the element's own matches when serializing",
    from: '      return element.matches(blockSelector);',
    to: '\n',
    mustContain: 'element.matches(blockSelector)',
    replacement: '      return Element.prototype.matches.call(element, blockSelector);',
  },
  {
    what: "an element's attribute map read once, not three times per attribute",
    from: '  const len = n.attributes.length;\n  for (let i = 0; i < len; i++) {\n    const attr = n.attributes[i];',
    to: '    if (!ignoreAttribute(tagName, attr.name, attr.value)) {',
    mustContain: 'n.attributes[i]',
    replacement: '  const attributeList = n.attributes;\n  const len = attributeList.length;\n  for (let i = 0; i < len; i++) {\n    const attr = attributeList[i];\n',
  },
  {
    // only names with a hyphen can be defined
    what: 'the custom-element registry asked about every element',
    from: '    if (customElements.get(tagName)) isCustomElement = true;',
    to: '  } catch (e) {',
    mustContain: 'customElements.get(tagName)',
    replacement: '    if (tagName.includes("-") && customElements.get(tagName)) isCustomElement = true;\n',
  },
  {
    // Deleting a property turns the object into a slow dictionary, for rrweb,
    // for the scrubber and for JSON.stringify; the flag goes around it instead.
    what: "the block flag carried on the serialized element and deleted from it",
    from: '    needBlock,\n    rootId,\n    isCustom: isCustomElement',
    to: '  };\n}',
    mustContain: 'needBlock,',
    replacement: '    rootId,\n    isCustom: isCustomElement\n',
  },
  {
    what: 'the block flag, set',
    from: '  const needBlock = _isBlockedElement(n, blockClass, blockSelector);',
    to: '  const tagName = getValidTagName(n);',
    mustContain: '_isBlockedElement(n, blockClass, blockSelector)',
    replacement: '  const needBlock = lastElementBlocked = _isBlockedElement(n, blockClass, blockSelector);\n',
  },
  {
    what: 'the block flag, declared',
    from: 'function serializeElementNode(n, options) {',
    to: '  const {',
    mustContain: 'serializeElementNode',
    replacement: 'let lastElementBlocked = false;\nfunction serializeElementNode(n, options) {\n',
  },
  {
    what: 'the block flag, read right after serializing',
    from: '  if (!_serializedNode) {\n    console.warn(n, "not serialized");',
    to: '  let id;\n  if (mirror2.hasNode(n)) {',
    mustContain: 'return null;',
    replacement: '  const blocked = lastElementBlocked;\n  if (!_serializedNode) {\n    console.warn(n, "not serialized");\n    return null;\n  }\n',
  },
  {
    what: 'the block flag, used',
    from: '    recordChild = recordChild && !serializedNode.needBlock;\n    delete serializedNode.needBlock;',
    to: '    const shadowRootEl = index.shadowRoot(n);',
    mustContain: 'delete serializedNode.needBlock;',
    replacement: '    recordChild = recordChild && !blocked;\n',
  },
  {
    // Array.from walks a NodeList through its iterator; nothing the walk calls
    // changes the tree, so following the siblings visits the same nodes.
    what: "children copied into an array before they are walked",
    from: '      for (const childN of Array.from(index.childNodes(n))) {',
    to: '        const serializedChildNode = serializeNodeWithId(childN, bypassOptions);',
    mustContain: 'Array.from',
    replacement: '      for (let childN = index.firstChild(n); childN; childN = index.nextSibling(childN)) {\n',
  },
  {
    what: "a shadow root's children copied into an array before they are walked",
    from: '      for (const childN of Array.from(index.childNodes(shadowRootEl))) {',
    to: '        const serializedChildNode = serializeNodeWithId(childN, bypassOptions);',
    mustContain: 'Array.from',
    replacement: '      for (let childN = index.firstChild(shadowRootEl); childN; childN = index.nextSibling(childN)) {\n',
  },
  {
    what: "a known node's id asked for twice",
    from: '  let id;\n  if (mirror2.hasNode(n)) {\n    id = mirror2.getId(n);\n  } else if (',
    to: 'slimDOMExcluded(_serializedNode, slimDOMOptions)',
    mustContain: 'mirror2.hasNode(n)',
    replacement: '  let id = mirror2.getId(n);\n  if (id !== -1) ;\n  else if (',
  },
  {
    what: "the document's id asked for twice for every node",
    from: '  if (!mirror2.hasNode(doc)) return void 0;\n  const docId = mirror2.getId(doc);\n  return docId === 1 ? void 0 : docId;',
    to: '\n}\nfunction serializeTextNode(',
    mustContain: 'mirror2.hasNode(doc)',
    replacement: '  const docId = mirror2.getId(doc);\n  return docId === 1 || docId === -1 ? void 0 : docId;',
  },
  {
    what: "added nodes' children walked through NodeList.forEach",
    from: '        index.childNodes(n).forEach((childN) => this.genAdds(childN));',
    to: '        if (hasShadowRoot(n)) {',
    mustContain: 'this.genAdds(childN)',
    replacement: '        for (let childN = index.firstChild(n); childN; childN = index.nextSibling(childN)) this.genAdds(childN);\n',
  },
  {
    // every observer callback of rrweb's goes through this wrapper
    what: 'callbacks wrapped with rest parameters and a spread',
    from: '  const rrwebWrapped = (...rest) => {\n    try {\n      return cb(...rest);',
    to: '    } catch (error) {',
    mustContain: 'cb(...rest)',
    replacement: '  const rrwebWrapped = function() {\n    try {\n      return cb.apply(void 0, arguments);\n',
  },
  {
    // Veil passes neither ignoreClass nor ignoreSelector: rrweb's default
    // class, asked without building the element's classList
    what: 'the ignore-class test on every input event',
    from: '    if (target.classList.contains(ignoreClass) || ignoreSelector && target.matches(ignoreSelector)) {',
    to: '      return;',
    mustContain: 'ignoreSelector',
    replacement: '    if (Element.prototype.matches.call(target, ".rr-ignore")) {\n',
  },
  {
    // Records differently from stock rrweb, on purpose. A checked radio
    // unchecks the others of its group, which the browser forms from the
    // radios of the same name and form. Stock rrweb takes every radio of that
    // name in the document: a walk of the whole page per input and change
    // event (on the benchmark's 10,000-element page, a sixth of rrweb's cost
    // in the mutation workload), and radios of other forms recorded as
    // unchecked. A radio in a form looks among its form's elements. One
    // without a form looks among the document's elements of that name, the
    // radios stock rrweb finds, without a selector built from the name: a
    // quote in it made the selector invalid, and the error stopped the
    // recording. Both through the prototypes (a control named "elements", an
    // image named "getElementsByName", shadows the property).
    what: "a checked radio's group looked for in the whole document",
    from: '      doc.querySelectorAll(`input[type="radio"][name="${name}"]`).forEach((el) => {',
    to: '        if (el !== target) {',
    mustContain: 'querySelectorAll',
    replacement:
      '      const form = target.form;\n' +
      '      Array.prototype.filter.call(form ? Object.getOwnPropertyDescriptor(HTMLFormElement.prototype, "elements").get.call(form) : Document.prototype.getElementsByName.call(doc, name), (el) => el.name === name && el.localName === "input" && el.type === "radio").forEach((el) => {\n',
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
