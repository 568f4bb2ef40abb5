// @veil/core: the recorder for the browser, and everything of the engine
// (@veil/core/engine) that a page or a framework binding needs, so that one
// import serves an app.
export { createRecorder } from './page/recorder';
export * from './engine/index';
export type { TransportFunction, Transport, UrlTransportOptions } from './transport/types';
export type { MarkTarget, RecorderOptions, RecorderEnvironment, StopOptions, RecorderListener, Recorder } from './page/types';
