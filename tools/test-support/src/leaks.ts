// The search for planted secrets is @veil/testing's, the one Veil's users run
// in their own suites. Read from its source: the core's tests use this
// package too, and the core is what @veil/testing is built on.
export { findLeaks, squash, stringsIn } from '../../../packages/testing/src/leaks';
