// The password policy: what it refuses, the reason it gives, and where it applies.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIN_PASSWORD_LENGTH, checkPasswordPolicy } from '../src/auth/password-policy';
import { main } from '../src/commands';
import { makeDatabase } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('checkPasswordPolicy', () => {
  it('accepts a long passphrase', () => {
    expect(checkPasswordPolicy('correct horse battery staple', { email: 'ann@example.com' })).toBeNull();
    expect(checkPasswordPolicy('Tulip-Saxophone-41', {})).toBeNull();
  });

  it(`refuses fewer than ${MIN_PASSWORD_LENGTH} characters and says how many are needed`, () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(checkPasswordPolicy('Zq7-xK2-mv4', {})).toBe(
      'The password is too short: it has 11 characters, and at least 12 are needed. A few unrelated words make a long password that is easy to remember.',
    );
    expect(checkPasswordPolicy('Zq7-xK2-mv4!', {})).toBeNull();
  });

  it('refuses the most common passwords whatever their case', () => {
    for (const common of ['123qweasdzxc', '1qaz2wsx3edc', 'QWERTY123456', 'LeaveMeAlone']) {
      expect(checkPasswordPolicy(common, {}), common).toMatch(/^That password is one of the 10,000 most common passwords/);
    }
  });

  it('refuses a common password with digits or symbols added around it, naming it', () => {
    expect(checkPasswordPolicy('Football2024!', {})).toBe(
      'That password is a very common password ("football") with digits or symbols added, which attackers try early. Choose another: a few unrelated words work well.',
    );
    expect(checkPasswordPolicy('!!password12', {})).toMatch(/\("password"\)/);
  });

  it("refuses a password that is or contains the e-mail's local part", () => {
    expect(checkPasswordPolicy('margarethe.k', { email: 'margarethe.k@example.com' })).toMatch(
      /may not contain your e-mail name \("margarethe.k"\)/,
    );
    expect(checkPasswordPolicy('my-Margarethe-pass', { email: 'Margarethe@example.com' })).toMatch(/e-mail name/);
    expect(checkPasswordPolicy('my-margarethe-pass', { email: 'bob@example.com' })).toBeNull();
  });

  it('refuses one character repeated', () => {
    expect(checkPasswordPolicy('zzzzzzzzzzzzzzzz', {})).toMatch(/one character repeated/);
  });
});

describe('the shipped list', () => {
  it('holds 10,000 distinct lower-case passwords, says where they come from, and is in the package', () => {
    const text = readFileSync(path.join(here, '..', 'data', 'common-passwords.txt'), 'utf8');
    expect(text).toMatch(/^# .*\n# Source: Mark Burnett's 10 million password corpus \(released into the public domain/);
    const entries = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(entries.length).toBe(10_000);
    expect(new Set(entries).size).toBe(10_000);
    expect(entries.slice(0, 3)).toEqual(['123456', 'password', '12345678']);
    expect(entries.every((e) => e === e.toLowerCase())).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(here, '..', 'package.json'), 'utf8'));
    expect(pkg.files).toContain('data');
  });
});

describe('veil-collector user add', () => {
  let db: Awaited<ReturnType<typeof makeDatabase>>;
  beforeEach(async () => {
    db = await makeDatabase('sqlite');
  });
  afterEach(() => db.cleanup());

  const run = async (args: string[], stdin = '') => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([...args, '--database', db.database], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readStdin: async () => stdin,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('refuses a common password, for a new user and for a password change, and changes nothing', async () => {
    await run(['site', 'add', 'shop', '--origin', 'https://shop.example']);
    const common = await run(['user', 'add', 'ann@example.com', '--site', 'shop', '--password-stdin'], 'qwerty123456\n');
    expect(common.code).not.toBe(0);
    expect(common.err).toContain('one of the 10,000 most common passwords');
    expect((await run(['user', 'list'])).out).not.toContain('ann@example.com');

    expect(
      (await run(['user', 'add', 'ann@example.com', '--site', 'shop', '--password-stdin'], 'correct horse battery staple\n')).code,
    ).toBe(0);
    const change = await run(['user', 'add', 'ann@example.com', '--site', 'shop', '--password-stdin'], 'ann-example-2024\n');
    expect(change.code).not.toBe(0);
    expect(change.err).toContain('may not contain your e-mail name ("ann")');
  });
});
