import { describe, expect, it } from 'vitest';
import { scrubCss, scrubSrcset, scrubUrl } from '../../src/engine/url';

describe('scrubUrl', () => {
  it('redacts every secret-looking query parameter the design names', () => {
    for (const name of [
      'token',
      'access_token',
      'refresh_token',
      'id_token',
      'code',
      'password',
      'secret',
      'key',
      'api_key',
      'auth',
      'session',
      'sid',
      'signature',
      'email',
    ]) {
      const out = scrubUrl(`https://shop.example/p?${name}=S3cretValue9&lang=en`);
      expect(out, name).toBe(`https://shop.example/p?${name}=redacted&lang=en`);
    }
  });
  it('handles any case of the parameter name', () => {
    expect(scrubUrl('/r?Token=abc&ApiKey=def')).toBe('/r?Token=redacted&ApiKey=redacted');
  });
  it('redacts parameters in the fragment (OAuth implicit flow)', () => {
    expect(scrubUrl('https://a.example/cb#access_token=xyz&expires_in=3600')).toBe(
      'https://a.example/cb#access_token=redacted&expires_in=3600',
    );
  });
  it('masks e-mail addresses in paths and values, plain or percent-encoded', () => {
    expect(scrubUrl('/users/pat@example.com/orders')).not.toContain('pat@example.com');
    expect(scrubUrl('/orders?user=pat%40example.com')).not.toContain('pat%40example.com');
  });
  it('masks credentials in the authority', () => {
    expect(scrubUrl('https://admin:hunter2@example.com/x')).toBe('https://*************@example.com/x');
  });
  it('leaves ordinary URLs unchanged', () => {
    for (const u of ['https://example.com/', '/products/42?color=red#reviews', 'mailto:', '#top']) expect(scrubUrl(u)).toBe(u);
  });
  it('scrubs each URL of a srcset and URLs inside CSS', () => {
    expect(scrubSrcset('/a.png?token=1 1x, /b.png?sig=2 2x')).toBe('/a.png?token=redacted 1x, /b.png?sig=redacted 2x');
    expect(scrubCss('background: url("/i.png?token=abc") no-repeat')).toBe('background: url("/i.png?token=redacted") no-repeat');
  });
  it('masks personal data in CSS strings and e-mail addresses anywhere in CSS, keeping the quotes', () => {
    expect(scrubCss(".o::after { content: 'pat@example.org' }")).toBe(".o::after { content: '***************' }");
    expect(scrubCss('--card: "4111 1111 1111 1111"; --iban: "DE89 3704 0044 0532 0130 00"')).toBe(
      '--card: "**** **** **** ****"; --iban: "**** **** **** **** **** **"',
    );
    expect(scrubCss('--owner: pat@example.org; color: red')).toBe('--owner: ***************; color: red');
    expect(scrubCss(`content: 'it\\'s a@b.co'`)).toBe(`content: 'it\\'s ******'`);
  });
  it('leaves at-rules, selectors and ordinary strings and numbers in CSS alone', () => {
    for (const css of [
      '@media (max-width: 600px){a{color:red}}@import "x.css";@font-face{font-family:"Inter"}',
      "a[title='Next page']::after{content:'→'}",
      '.x{z-index:1000000000000;margin:0 0 0 0;grid-template-columns:1fr 1fr}',
      // base64 that happens to hold a valid IBAN: garbling an inlined font or image would only break the replay
      '@font-face{src:url("data:font/woff2;base64,d09GMgABAAAA+DE89370400440532013000/AAAA")}',
    ]) {
      expect(scrubCss(css)).toBe(css);
    }
  });
  it('masks the strings content shows where page text is masked, and nothing else', () => {
    expect(scrubCss('.a::after{content:"Hi Pat"} .b{font-family:"Open Sans"}', true)).toBe(
      '.a::after{content:"** ***"} .b{font-family:"Open Sans"}',
    );
    expect(scrubCss(`.q::before { content: open-quote 'Nr. ' counter(item) "."; color: red }`, true)).toBe(
      `.q::before { content: open-quote '*** ' counter(item) "*"; color: red }`,
    );
    expect(scrubCss('.c{CONTENT: "Shout"}', true)).toBe('.c{CONTENT: "*****"}');
    // other properties whose names end in content, selectors, custom properties and attribute selectors keep their strings
    for (const css of [
      '.g{align-content:center;justify-content:"x"}',
      '.content:hover{color:red}',
      '--tip: "Hello"',
      'a[title="Next"]{color:red}',
    ]) {
      expect(scrubCss(css, true)).toBe(css);
    }
    expect(scrubCss('.a::after{content:"Hi Pat"}', false)).toBe('.a::after{content:"Hi Pat"}');
  });
});

describe('phone links', () => {
  it('masks the number of tel:, sms:, callto: and similar links, keeping the scheme', async () => {
    const { scrubUrl } = await import('../../src/engine/url');
    expect(scrubUrl('tel:+420601123456')).toBe('tel:*************');
    expect(scrubUrl('sms:+420 602 876 543?body=hi')).toBe('sms:**** *** *** ***********');
    expect(scrubUrl('callto://+44-20-7946-0123')).toBe('callto://****************');
    expect(scrubUrl('TEL:0800123456')).toBe('TEL:**********');
    expect(scrubUrl('https://shop.example/tel/contact')).toBe('https://shop.example/tel/contact');
  });
  it('masks phone links inside other text, such as a data attribute', async () => {
    const { maskPersonalData } = await import('../../src/engine/detect');
    expect(maskPersonalData('call tel:+420601123456 now')).toBe('call tel:************* now');
  });
});

describe('credentials in URLs', () => {
  it('masks a token or key in a path or an ordinary parameter', () => {
    const stars = (s: string) => '*'.repeat(s.length);
    expect(scrubUrl('/api?q=glpat-VxGitlab4Kq9Lm2Np7Rs&page=2')).toBe(`/api?q=${stars('glpat-VxGitlab4Kq9Lm2Np7Rs')}&page=2`);
    expect(scrubUrl('https://x.example/keys/sk_live_51Hc3f0aKq8vZt2x9Q/view')).toBe(
      `https://x.example/keys/${stars('sk_live_51Hc3f0aKq8vZt2x9Q')}/view`,
    );
  });
});
