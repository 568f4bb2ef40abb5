import { describe, expect, it } from 'vitest';
import { findLeaks, squash, stringsIn } from '../src/leaks';

describe('findLeaks', () => {
  const secrets = { card: '4242 4242 4242 4242', cvc: '7294', name: 'Ottoline Brackenridge' };

  it('finds nothing in a recording that holds none of the secrets', () => {
    expect(findLeaks({ events: [{ text: '**** **** **** ****' }, { n: 7294 }] }, secrets)).toEqual([]);
  });

  it('finds a long secret as typed, in another case, squashed, and by its first 8 characters', () => {
    expect(findLeaks(['paid with 4242 4242 4242 4242'], secrets)).toHaveLength(2); // whole and start
    expect(findLeaks(['OTTOLINE BRACKENRIDGE'], secrets)[0]).toMatch(/^name: "Ottoline Brackenridge" in the JSON$/);
    expect(findLeaks(['4242-4242-4242-4242'], secrets)[0]).toMatch(/ignoring case/);
    expect(findLeaks(['Ottoline Br…'], secrets)).toEqual(['name: "Ottoline… (start of Ottoline Brackenridge)" in the JSON']);
  });

  it('looks for a short secret inside strings only, never in numbers or a session id', () => {
    expect(findLeaks({ timestamp: 1764383007294, x: 7294 }, secrets)).toEqual([]);
    expect(findLeaks({ sessionId: '76557072-94ee-4a8f' }, secrets)).toEqual([]);
    expect(findLeaks({ value: 'cvc 7294' }, secrets)).toEqual(['cvc: "7294" in the string "cvc 7294"']);
    expect(findLeaks({ value: '72-94' }, secrets)[0]).toMatch(/\(squashed\)/);
  });
});

describe('stringsIn / squash', () => {
  it('collects keys and values, leaving out a session id', () => {
    expect(stringsIn({ a: ['x', { b: 'y' }], sessionId: 'z', n: 1 })).toEqual(['a', 'x', 'b', 'y', 'sessionId', 'n']);
  });
  it('drops case, whitespace, dashes, dots and underscores', () => {
    expect(squash('A-b_c.d e\u2013f')).toBe('abcdef');
  });
});
