// The matchers where users run them: inside Chromium, on the live DOM, with
// vitest's own expect.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureVeilMatchers, veilMatchers, type VeilMatchers } from '../src/matchers';

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends VeilMatchers<T> {}
}

beforeAll(() => {
  expect.extend(veilMatchers);
});

afterEach(() => {
  document.body.innerHTML = '';
  configureVeilMatchers({});
});

function render(html: string): void {
  document.body.innerHTML = html;
}

const $ = (selector: string) => document.querySelector(selector)!;

describe('veil matchers', () => {
  it('assert each outcome', () => {
    render(`
      <input id="card" autocomplete="cc-number">
      <input id="search">
      <div data-veil="mask"><p id="masked">Hidden</p></div>
      <div class="veil-block"><p id="blocked">Gone</p></div>
      <p id="plain">Welcome</p>`);
    configureVeilMatchers({ privacy: 'relaxed' });
    expect($('#card')).toBeNeverRecorded();
    expect($('#search')).toBeRecorded();
    expect($('#search')).toBeMasked({ privacy: 'balanced' });
    expect($('#masked')).toBeMasked();
    expect($('#blocked')).toBeBlocked();
    expect($('#plain')).toBeRecorded();
    expect($('#plain')).not.toBeMasked();
    expect($('#plain')).toBeMasked({ privacy: 'strict' });
  });

  it('explain a failure with the rule that decided', () => {
    render(`<form id="signup" data-veil="mask"><input id="email" type="email"><p id="p">Text</p></form>`);
    configureVeilMatchers({ privacy: 'relaxed' });
    expect(() => expect($('#p')).toBeRecorded()).toThrow(
      'expected p#p to be recorded in relaxed mode, but it is masked: inside [data-veil="mask"] at form#signup',
    );
    expect(() => expect($('#email')).not.toBeMasked()).toThrow(
      'expected input#email not to be masked in relaxed mode, but it is (type="email" asks for personal data)',
    );
  });

  it('refuses what is not a node, and bad options, saying what it accepts', () => {
    expect(() => expect('#card').toBeMasked()).toThrow('[veil] expect(…).toBeMasked() expects a DOM element or text node; got string.');
    expect(() => configureVeilMatchers({ privacy: 'loose' as never })).toThrow(
      `[veil] Invalid option "privacy": expected one of 'strict', 'balanced', 'relaxed'; got "loose".`,
    );
  });
});
