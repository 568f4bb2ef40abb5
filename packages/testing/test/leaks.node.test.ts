// findLeaks on recordings made by hand: each form a secret can take is found,
// and what is not the secret is not.
import { describe, expect, it } from 'vitest';
import { findLeaks, replayedText, squash, stringsIn } from '../src/index';

const batch = (...texts: string[]) => [
  { v: 1, sessionId: 'abc', seq: 0, events: texts.map((text, i) => ({ type: 3, timestamp: i, data: { source: 5, id: i, text } })) },
];

describe('findLeaks', () => {
  it('finds a secret as it is, squashed, URL-encoded, as base64 and half typed', () => {
    expect(findLeaks(batch('paid with 4242 4242 4242 4242'), ['4242 4242 4242 4242'])).toEqual([
      '"4242 4242 4242 4242" is in what was sent',
    ]);
    expect(findLeaks(batch('4242-4242-4242-4242'), ['4242 4242 4242 4242'])).toEqual([
      '"4242 4242 4242 4242" is in what was sent, with other case, spaces or separators',
    ]);
    expect(findLeaks(batch('q=jana%40example.com'), { email: 'jana@example.com' })).toEqual([
      'email: "jana@example.com" is in what was sent, URL-encoded',
    ]);
    expect(findLeaks(batch(btoa('Zephyrine88 was here')), ['Zephyrine88'])).toEqual(['"Zephyrine88" is in what was sent, base64']);
    expect(findLeaks(batch('Zephyrin'), ['Zephyrine88'])).toEqual(['"Zephyrin…" (the start of "Zephyrine88") is in what was sent']);
  });

  it('looks for short secrets inside strings only, not in the numbers of the format', () => {
    expect(findLeaks([{ v: 1, sessionId: 'x', seq: 0, events: [{ type: 3, timestamp: 1733480123, data: {} }] }], ['4801'])).toEqual([]);
    expect(findLeaks(batch('CVC 4801'), ['4801'])).toEqual(['"4801" is in the string "CVC 4801"']);
  });

  it('finds a value split across elements in the replayed page', () => {
    const events = [
      {
        type: 2,
        timestamp: 0,
        data: {
          node: {
            id: 1,
            type: 0,
            childNodes: [
              {
                id: 2,
                type: 2,
                tagName: 'p',
                childNodes: [
                  { id: 3, type: 2, tagName: 'span', childNodes: [{ id: 4, type: 3, textContent: 'ZQ7' }] },
                  { id: 5, type: 2, tagName: 'span', childNodes: [{ id: 6, type: 3, textContent: 'XW4' }] },
                ],
              },
            ],
          },
        },
      },
    ];
    const replayed = replayedText(events);
    expect(findLeaks(events, ['ZQ7XW4'])).toEqual([]);
    expect(findLeaks(events, ['ZQ7XW4'], replayed)).toEqual(['"ZQ7XW4" is shown by the replayed page (read across elements)']);
  });

  it('finds nothing in a recording that holds none of the secrets, and a long secret in another case or by its start', () => {
    const secrets = { card: '4242 4242 4242 4242', cvc: '7294', name: 'Ottoline Brackenridge' };
    expect(findLeaks({ events: [{ text: '**** **** **** ****' }, { n: 7294 }] }, secrets)).toEqual([]);
    expect(findLeaks(['OTTOLINE BRACKENRIDGE'], secrets)).toEqual(['name: "Ottoline Brackenridge" is in what was sent']);
    expect(findLeaks(['Ottoline Br…'], secrets)).toEqual(['name: "Ottoline…" (the start of "Ottoline Brackenridge") is in what was sent']);
    expect(findLeaks({ timestamp: 1764383007294, x: 7294 }, secrets)).toEqual([]);
    expect(findLeaks({ sessionId: '76557072-94ee-4a8f' }, secrets)).toEqual([]);
    expect(findLeaks({ value: '72-94' }, secrets)).toEqual(['cvc: "7294" is in the string "72-94", with other case, spaces or separators']);
  });

  it('collects keys and values but a session id, and squashes case and separators', () => {
    expect(stringsIn({ a: ['x', { b: 'y' }], sessionId: 'z', n: 1 })).toEqual(['a', 'x', 'b', 'y', 'sessionId', 'n']);
    expect(squash('A-b_c.d e\u2013f')).toBe('abcdef');
  });

  it('refuses an empty secret', () => {
    expect(() => findLeaks([], { pin: '' })).toThrow('[veil] findLeaks: the secret "pin" is empty; an empty string is found everywhere.');
  });
});
