// Leak suite, utility: what each mode must still record, what a masked value
// may look like, the batch format; plus checks of the suite itself (the leak
// detector finds encoded leaks, fixtures are what they claim, canaries are
// unique).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CARDS, IBANS, NEAR_MISSES, ibanValid, luhnValid } from './fixtures';
import { findLeaks, runScenarios, type Scenario } from './harness';
import { inputScenarios } from './scenarios/inputs';
import { structureScenarios } from './scenarios/structure';
import { textScenarios } from './scenarios/text-regions';
import { utilityScenarios } from './scenarios/utility';

runScenarios('utility', utilityScenarios);

const asRecording = (payload: unknown) => {
  const text = JSON.stringify(payload);
  const strings: string[] = [];
  JSON.parse(text, (k, v) => {
    strings.push(k);
    if (typeof v === 'string') strings.push(v);
    return v;
  });
  return { text, strings: strings.join('\n') };
};

describe('the leak detector', () => {
  const canary = 'VxSelfTest7Qp4';
  const found = (payload: unknown, c = canary) => findLeaks(asRecording(payload), [c]).map((l) => l.form);

  it('finds a canary as is, JSON-escaped, URL-encoded and form-encoded', () => {
    expect(found({ t: `a ${canary} b` })).toContain('raw');
    expect(found({ t: 'x' }, 'VxQuote"Line\n9Tk')).toEqual([]);
    expect(found({ t: 'VxQuote"Line\n9Tk' }, 'VxQuote"Line\n9Tk').length).toBe(1);
    expect(found({ href: `/a?x=${encodeURIComponent('vx.self@vx-mail.net')}` }, 'vx.self@vx-mail.net').length).toBe(1);
    expect(found({ body: 'q=vx+self+test+words' }, 'vx self test words').length).toBe(1);
  });

  it('finds a canary split by whitespace or dashes, or in another case', () => {
    expect(found({ t: '4539-4235 9614\u00a00885' }, '4539 4235 9614 0885').length).toBe(1);
    expect(found({ t: canary.toUpperCase() }).length).toBe(1);
  });

  it('finds a canary encoded as base64 at any alignment, as hex, reversed, or hashed', () => {
    for (const prefix of ['', 'a', 'ab']) {
      expect(found({ d: Buffer.from(prefix + canary + 'zz').toString('base64') }).length, `prefix "${prefix}"`).toBe(1);
    }
    expect(found({ d: Buffer.from(canary).toString('hex') }).length).toBe(1);
    expect(found({ d: [...canary].reverse().join('') }).length).toBe(1);
    expect(found({ d: createHash('sha256').update(canary).digest('hex') }).length).toBe(1);
    expect(found({ d: createHash('sha1').update(canary).digest('base64') }).length).toBe(1);
  });

  it('finds a long fragment of a random-looking canary, e.g. one split over two strings', () => {
    expect(found({ t: `***${canary.slice(5)}` })[0]).toMatch(/^fragment/);
    expect(found({ a: { textContent: 'VxSelfT' }, b: { textContent: 'est7Qp4' } })[0]).toMatch(/^fragment/);
  });

  it('finds most of a value typed one keystroke at a time (a card number or e-mail address before its last characters)', () => {
    expect(found({ t: '4485 3143 5321 525' }, '4485 3143 5321 5255')[0]).toMatch(/^prefix/);
    expect(found({ t: 'vx.self@mail-vx.n' }, 'vx.self@mail-vx.net')[0]).toMatch(/^prefix/);
    expect(found({ t: '4485 3143' }, '4485 3143 5321 5255')).toEqual([]);
  });

  it('does not flag placeholders or unrelated text', () => {
    expect(found({ t: '*'.repeat(canary.length), u: 'VxSelf other', v: 'Test7' })).toEqual([]);
  });
});

describe('the suite fixtures', () => {
  it('plants Luhn-valid card numbers', () => {
    for (const [k, v] of Object.entries(CARDS)) expect(luhnValid(v), k).toBe(true);
  });
  it('plants IBANs with a valid checksum', () => {
    for (const [k, v] of Object.entries(IBANS)) expect(ibanValid(v), k).toBe(true);
  });
  it('uses near misses that really are not card numbers or IBANs', () => {
    expect(luhnValid(NEAR_MISSES.orderNumberText)).toBe(false);
    expect(luhnValid(NEAR_MISSES.orderNumberTyped)).toBe(false);
    expect(luhnValid(NEAR_MISSES.orderNumberMixed)).toBe(false);
    expect(ibanValid(NEAR_MISSES.badIban)).toBe(false);
    expect(ibanValid(NEAR_MISSES.badIban.replace(/^DE22/, 'DE15'))).toBe(true);
  });

  const all: Scenario[] = [inputScenarios, textScenarios, structureScenarios, utilityScenarios].flatMap((groups) =>
    Object.values(groups).flat(),
  );

  it('gives every scenario a distinct name', () => {
    const names = all.map((s) => s.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('plants every canary in one scenario only', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const s of all) {
      const values = new Set([
        ...(s.canaries ?? []),
        ...Object.values(s.mustNotRecord ?? {}).flat(),
        ...Object.values(s.mustRecord ?? {}).flat(),
      ]);
      for (const c of values) {
        const other = seen.get(c);
        if (other !== undefined && other !== s.name) dupes.push(`${c}: "${other}" and "${s.name}"`);
        seen.set(c, s.name);
      }
    }
    expect(dupes).toEqual([]);
  });

  it('checks each scenario for something: a canary or a must-record value', () => {
    const empty = all.filter(
      (s) =>
        !s.canaries?.length &&
        !Object.values(s.mustNotRecord ?? {}).flat().length &&
        !Object.values(s.mustRecord ?? {}).flat().length &&
        !s.check,
    );
    expect(empty.map((s) => s.name)).toEqual([]);
  });
});
