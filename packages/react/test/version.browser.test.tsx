import { version as reactVersion } from 'react';
import { version as reactDomVersion } from 'react-dom';
import { describe, expect, inject, it } from 'vitest';

// The same suite runs against React 19 (this package) and React 18
// (compat/react18): this proves which React a run actually exercised.
describe('the React under test', () => {
  it('is the major version this run was configured for, for react and react-dom alike', () => {
    const major = inject('reactMajor');
    expect(reactVersion.split('.')[0]).toBe(String(major));
    expect(reactDomVersion.split('.')[0]).toBe(String(major));
  });
});

declare module 'vitest' {
  interface ProvidedContext {
    reactMajor: number;
  }
}
