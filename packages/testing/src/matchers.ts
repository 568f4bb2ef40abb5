// Matchers for tests that run in the browser (Vitest browser mode, with or
// without Testing Library): what Veil does to an element, asked of the
// explanation in @veil/core/explain, which runs the recorder's own rules.
//
//   import { expect } from 'vitest';
//   import { veilMatchers } from '@veil/testing/matchers';
//   expect.extend(veilMatchers);
//   expect(screen.getByLabelText('Card number')).toBeNeverRecorded();
import { createExplainer, describeElement, type ExplainOptions, type Outcome } from '@veil/core/explain';

let defaults: ExplainOptions = {};

/**
 * The options every matcher uses unless given its own: the privacy mode and
 * mask/block/unmask selectors your recorder is created with.
 */
export function configureVeilMatchers(options: ExplainOptions): void {
  createExplainer(options); // checked now, not at the first assertion
  defaults = { ...options };
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function matcher(expected: Outcome) {
  return function (this: { isNot?: boolean } | void, received: unknown, options?: ExplainOptions): MatcherResult {
    if (!received || typeof received !== 'object' || typeof (received as Node).nodeType !== 'number') {
      throw new Error(
        `[veil] expect(…).${name(expected)}() expects a DOM element or text node; got ${received === null ? 'null' : typeof received}.`,
      );
    }
    const merged = { ...defaults, ...options };
    const e = createExplainer(merged).explain(received as Node);
    const what =
      (received as Node).nodeType === 1 ? describeElement(received as Element) : `text "${String((received as Text).data).slice(0, 40)}"`;
    const mode = merged.privacy ?? 'strict';
    return {
      pass: e.outcome === expected,
      message: () =>
        e.outcome === expected
          ? `expected ${what} not to be ${expected} in ${mode} mode, but it is (${e.reason})`
          : `expected ${what} to be ${expected} in ${mode} mode, but it is ${e.summary}`,
    };
  };
}

const name = (outcome: Outcome) =>
  ({ recorded: 'toBeRecorded', masked: 'toBeMasked', blocked: 'toBeBlocked', 'never recorded': 'toBeNeverRecorded' })[outcome];

/** For `expect.extend(veilMatchers)`. Each takes optional ExplainOptions for one assertion. */
export const veilMatchers = {
  toBeRecorded: matcher('recorded'),
  toBeMasked: matcher('masked'),
  toBeBlocked: matcher('blocked'),
  toBeNeverRecorded: matcher('never recorded'),
};

/**
 * The matchers' types, for your test setup:
 *
 *   import type { VeilMatchers } from '@veil/testing/matchers';
 *   declare module 'vitest' { interface Assertion<T = any> extends VeilMatchers<T> {} }
 */
export interface VeilMatchers<R = unknown> {
  toBeRecorded(options?: ExplainOptions): R;
  toBeMasked(options?: ExplainOptions): R;
  toBeBlocked(options?: ExplainOptions): R;
  toBeNeverRecorded(options?: ExplainOptions): R;
}
