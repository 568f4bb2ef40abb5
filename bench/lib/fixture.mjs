// Generates the benchmark page: a deterministic HTML document of about
// `targetElements` elements with a realistic mix of content (sections,
// headings, paragraphs, lists, a large table, forms with many input types,
// card grids with images, data-veil="mask" / "block" regions, e-mail
// addresses in text, links with secret-looking query parameters).
//
// Probe words are planted so that the runner can check, per contender, what
// reached the events in clear (see PROBES): they make masking comparable, not
// a test.

export const PROBES = {
  text: 'TEXTPROBE', // plain page text: recorded by relaxed, masked by strict
  mask: 'MASKPROBE', // inside data-veil="mask": masked everywhere
  block: 'BLOCKPROBE', // inside data-veil="block": never serialized
  password: 'PWPROBE', // password input values: never recorded
  email: '@example.org', // e-mail addresses in text and inputs
};

/** mulberry32: small deterministic PRNG. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ' +
  'et dolore magna aliqua order shipping basket checkout delivery account product review price ' +
  'quantity discount return invoice customer support warranty feature release update question answer'
).split(' ');

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function buildPage({ targetElements = 10_000, seed = 42, scripts = [] } = {}) {
  const rand = prng(seed);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const sentence = (n) => {
    const s = words(n);
    return s[0].toUpperCase() + s.slice(1) + '.';
  };
  let count = 0;
  let emailN = 0;
  const email = () => `user${emailN++}${PROBES.email}`;

  /** An element; children are strings (already-escaped HTML) or arrays of them. */
  const el = (tag, attrs = {}, ...children) => {
    count++;
    const a = Object.entries(attrs)
      .filter(([, v]) => v !== undefined && v !== false)
      .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${esc(v)}"`))
      .join('');
    const VOID = new Set(['input', 'img', 'br', 'hr', 'meta', 'link']);
    if (VOID.has(tag)) return `<${tag}${a}>`;
    return `<${tag}${a}>${children.flat(Infinity).join('')}</${tag}>`;
  };
  const t = (s) => esc(s);

  const paragraph = (probe = PROBES.text) => {
    const parts = [t(sentence(6 + Math.floor(rand() * 10)) + ' ')];
    const r = rand();
    if (r < 0.25) parts.push(el('strong', {}, t(words(2))), t(' ' + words(4) + '. '));
    else if (r < 0.45) parts.push(el('a', { href: `/help/${Math.floor(rand() * 100)}?ref=nav` }, t(words(3))), t('. '));
    else if (r < 0.55) parts.push(t(`Write to ${email()} for details. `));
    else if (r < 0.65) parts.push(el('em', {}, t(words(2))), t(' ' + probe + ' ' + words(3) + '. '));
    else parts.push(t(sentence(5) + ' ' + probe));
    return el('p', {}, parts);
  };

  const articleSection = (i) =>
    el(
      'section',
      { id: `s${i}`, class: 'article' },
      el('h2', {}, t(sentence(4))),
      paragraph(),
      paragraph(),
      paragraph(),
      el('blockquote', { title: sentence(3) }, t(sentence(8))),
      paragraph(),
    );

  const listSection = (i) =>
    el(
      'section',
      { id: `s${i}`, class: 'list' },
      el('h3', {}, t(sentence(3))),
      el(
        i % 2 ? 'ul' : 'ol',
        { class: 'items' },
        Array.from({ length: 8 }, (_, j) =>
          el(
            'li',
            { 'data-id': `${i}-${j}` },
            el('a', { href: `/p/${i}-${j}?token=abc${j}&page=2` }, t(words(2))),
            ' ',
            el('span', { class: 'meta' }, t(words(3) + ' ' + PROBES.text)),
          ),
        ),
      ),
    );

  const formSection = (i) =>
    el(
      'section',
      { id: `s${i}`, class: 'form' },
      el('h3', {}, t('Checkout ' + i)),
      el(
        'form',
        { action: `/submit?session=xyz${i}`, method: 'post' },
        el(
          'fieldset',
          {},
          el('legend', {}, t('Your details')),
          el('label', { for: `name${i}` }, t('Name')),
          el('input', { id: `name${i}`, name: 'name', type: 'text', value: 'Jane Roe', placeholder: 'Full name', autocomplete: 'name' }),
          el('label', { for: `email${i}` }, t('E-mail')),
          el('input', { id: `email${i}`, name: 'email', type: 'email', value: email(), placeholder: 'you@example.org' }),
          el('label', { for: `tel${i}` }, t('Phone')),
          el('input', { id: `tel${i}`, name: 'phone', type: 'tel', value: '+44 20 7946 0000' }),
          el('label', { for: `pw${i}` }, t('Password')),
          el('input', { id: `pw${i}`, name: 'password', type: 'password', value: PROBES.password + i }),
          el('input', { name: 'qty', type: 'number', value: String(i % 9), 'aria-label': 'Quantity' }),
          el('input', { name: 'date', type: 'date', value: '2024-05-01' }),
          el('input', { name: 'q', type: 'search', value: words(2), placeholder: 'Search' }),
        ),
        el(
          'fieldset',
          {},
          el('legend', {}, t('Options')),
          el('label', {}, el('input', { type: 'checkbox', name: 'gift', checked: i % 2 === 0 }), t(' Gift wrap')),
          el('label', {}, el('input', { type: 'radio', name: `ship${i}`, value: 'std', checked: true }), t(' Standard')),
          el('label', {}, el('input', { type: 'radio', name: `ship${i}`, value: 'exp' }), t(' Express')),
          el(
            'select',
            { name: 'country' },
            ['United Kingdom', 'France', 'Germany', 'Spain', 'Italy'].map((c, k) =>
              el('option', { value: c.slice(0, 2).toUpperCase(), selected: k === i % 5 }, t(c)),
            ),
          ),
          el('textarea', { name: 'notes', rows: '3', placeholder: 'Notes' }, t(sentence(10))),
          el('input', { type: 'hidden', name: 'csrf', value: 'hidden-' + i }),
          el('button', { type: 'submit', value: 'go' }, t('Pay now')),
        ),
      ),
    );

  const tableSection = (i, rows) =>
    el(
      'section',
      { id: `s${i}`, class: 'table' },
      el('h3', {}, t('Orders')),
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ['Order', 'Customer', 'Item', 'Qty', 'Total', 'Status'].map((h) => el('th', {}, t(h))),
          ),
        ),
        el(
          'tbody',
          {},
          Array.from({ length: rows }, (_, r) =>
            el(
              'tr',
              { class: r % 2 ? 'odd' : 'even' },
              el('td', {}, t(`#${10000 + i * 100 + r}`)),
              el('td', {}, r % 7 === 0 ? t(email()) : t(words(2))),
              el('td', {}, t(words(2))),
              el('td', {}, t(String((r % 5) + 1))),
              el('td', {}, t(`£${(r * 3.7).toFixed(2)}`)),
              el('td', {}, el('span', { class: 'badge' }, t(pick(['paid', 'sent', 'open'])))),
            ),
          ),
        ),
      ),
    );

  const maskSection = (i) =>
    el(
      'section',
      { id: `s${i}`, class: 'profile', 'data-veil': 'mask' },
      el('h3', { title: 'Profile ' + PROBES.mask }, t('Profile ' + PROBES.mask)),
      el('p', {}, t(`${PROBES.mask} ${words(6)} ${email()}`)),
      el(
        'dl',
        {},
        el('dt', {}, t('Address')),
        el('dd', {}, t(`${i} High Street ${PROBES.mask}`)),
        el('dt', {}, t('Member since')),
        el('dd', {}, t('2019 ' + PROBES.mask)),
      ),
      el('input', { type: 'text', name: 'nickname', value: PROBES.mask + i, 'aria-label': 'Nickname' }),
      el(
        'ul',
        {},
        Array.from({ length: 4 }, () => el('li', {}, t(PROBES.mask + ' ' + words(3)))),
      ),
    );

  const blockSection = (i) =>
    el(
      'section',
      { id: `s${i}`, class: 'chat', 'data-veil': 'block', style: 'min-height: 120px' },
      el('h3', {}, t('Chat ' + PROBES.block)),
      Array.from({ length: 5 }, (_, j) =>
        el(
          'div',
          { class: 'msg' },
          el('span', { class: 'who' }, t(j % 2 ? 'Agent' : 'You')),
          el('p', {}, t(PROBES.block + ' ' + sentence(6))),
        ),
      ),
      el('input', { type: 'text', name: 'chat', value: PROBES.block, placeholder: 'Type a message' }),
    );

  const cardSection = (i) =>
    el(
      'section',
      { id: `s${i}`, class: 'cards' },
      el('h3', {}, t(sentence(2))),
      el(
        'div',
        { class: 'grid', style: 'display:grid;grid-template-columns:repeat(3,1fr);gap:8px' },
        Array.from({ length: 6 }, (_, j) =>
          el(
            'div',
            { class: 'card' },
            el('img', { src: '/pixel.png', alt: words(3), width: '64', height: '64' }),
            el('h4', {}, t(words(2))),
            el('p', {}, t(sentence(7) + ' ' + PROBES.text)),
            el('button', { type: 'button', 'aria-label': 'Add ' + words(1), 'data-sku': `SKU-${i}-${j}` }, t('Add')),
          ),
        ),
      ),
    );

  const head =
    '<meta charset="utf-8"><title>Veil bench page</title>' +
    '<meta name="csrf-token" content="meta-secret-123">' +
    '<style>body{font:14px/1.4 sans-serif;margin:0}section{padding:8px;border-bottom:1px solid #ddd}' +
    '.card{border:1px solid #ccc;padding:4px}.badge{padding:0 4px;background:#eef}.odd{background:#fafafa}' +
    'table{border-collapse:collapse}td,th{padding:2px 6px}</style>' +
    scripts.map((s) => `<script src="${esc(s)}"></script>`).join('');
  count += 4; // meta, title, meta, style
  count += scripts.length;
  count += 3; // html, head, body

  const header = el(
    'header',
    {},
    el(
      'nav',
      {},
      Array.from({ length: 12 }, (_, j) => el('a', { href: `/c/${j}?utm_source=x&sid=s${j}` }, t(words(1)))),
    ),
    el('h1', {}, t('Veil benchmark store')),
  );
  const footer = el('footer', {}, el('p', {}, t('Contact: ' + email())), el('small', {}, t('© 2024')));

  const kinds = [
    articleSection,
    listSection,
    formSection,
    cardSection,
    listSection,
    articleSection,
    maskSection,
    cardSection,
    formSection,
    blockSection,
  ];
  const sections = [];
  // One big table up front (~1,200 elements), then a mix of sections.
  sections.push(tableSection(0, 150));
  let i = 1;
  count += 1; // <main>
  while (count < targetElements) sections.push(kinds[i % kinds.length](i++));
  const body = header + el('main', {}, sections) + footer;
  count -= 1; // <main> was counted twice (manual + el())

  const html = `<!doctype html><html lang="en"><head>${head}</head><body>${body}</body></html>`;
  return { html, elements: count };
}
