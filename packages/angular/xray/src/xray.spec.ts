import { describe, expect, it } from 'vitest';
import { xrayOptions } from './xray';

describe('xrayOptions', () => {
  it("keeps what decides what is recorded (recordInputs too) and leaves the recorder's other options out", () => {
    const options = xrayOptions({
      privacy: 'balanced',
      mask: ['.a'],
      block: ['.b'],
      unmask: ['.c'],
      recordInputs: false,
      transport: () => {},
      autoStart: false,
    } as Parameters<typeof xrayOptions>[0]);
    expect(options).toEqual({ privacy: 'balanced', mask: ['.a'], block: ['.b'], unmask: ['.c'], recordInputs: false });
  });
});
