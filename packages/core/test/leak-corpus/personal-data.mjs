// Veil's own cases in the shared leak corpus format (../shared/leak-corpus),
// for the classes of issue 22: personal data split across nodes, other
// separators, phone links, credentials, detectors that must not undo each
// other, and what must stay readable. Run them with
//   node ../shared/leakcheck/run.mjs --mode all --corpus packages/core/test/leak-corpus
// The same classes, with more shapes, are in test/browser/scenarios/personal-data.ts.
const TEXT_MODES = ['balanced', 'relaxed'];
const keep = (...texts) => Object.fromEntries(TEXT_MODES.map((mode) => [mode, texts]));

export default [
  {
    id: 'own-card-in-spans',
    html: `<p>Card <span>4024</span> <span>0071</span> <span>5336</span> <span>2701</span> on file</p>`,
    canaries: ['4024 0071 5336 2701'],
    mustRecord: keep('on file'),
  },
  {
    id: 'own-iban-in-nested-inline',
    html: `<div>IBAN <b><span>DE75 5121</span></b><i> 0800 1245 1261</i> <a href="#i">99</a></div>`,
    canaries: ['DE75 5121 0800 1245 1261 99'],
  },
  {
    id: 'own-email-in-text-nodes',
    html: `<p id="m">Mail: </p>`,
    steps: (page) => page.evaluate(() => document.getElementById('m').append('own.corpus8', '@', 'split-mail.example', '.')),
    canaries: ['own.corpus8@split-mail.example'],
  },
  {
    id: 'own-card-completed-later',
    html: `<p id="p">Card <span>5105 1051</span></p>`,
    steps: (page) => page.evaluate(() => {
      const s = document.createElement('span');
      s.textContent = ' 0510 5100';
      document.getElementById('p').append(s);
    }),
    canaries: ['5105 1051 0510 5100'],
  },
  {
    id: 'own-card-with-dots-and-slashes',
    html: `<p>Card 4111.1111.1111.1111</p><p>Card 5500/0000/0000/0004</p>`,
    canaries: ['4111 1111 1111 1111', '5500 0000 0000 0004'],
  },
  {
    id: 'own-phone-links',
    html: `<a href="tel:+420777123987">Call</a> <a href="sms:+420777456321">SMS</a>`,
    canaries: ['420777123987', '420777456321'],
    mustRecord: keep('Call', 'SMS'),
  },
  {
    id: 'own-credentials-in-text',
    html: `<pre>Authorization: Bearer OwnBearer7Kq2Lm9Np4</pre><p>ghp_OwnCorpus1a2B3c4D5e6F7g8H9i0J</p>`,
    canaries: ['OwnBearer7Kq2Lm9Np4', 'ghp_OwnCorpus1a2B3c4D5e6F7g8H9i0J'],
  },
  {
    id: 'own-iban-holding-card-number',
    html: `<p>Refund to DE14 8931 2347 2706 6710 89 today</p>`,
    canaries: ['DE14 8931 2347 2706 6710 89'],
    mustRecord: keep('today'),
  },
  {
    id: 'own-readable-numbers',
    html: `<ul><li><span>Tea</span> <span>19.99</span> <span>29.99</span> <span>39.99</span> <span>49.99</span></li><li>v10.15.7, 2026.11.29</li><li>Call +420 601 123 456</li></ul>`,
    canaries: [],
    mustRecord: keep('19.99', '49.99', 'v10.15.7, 2026.11.29', 'Call +420 601 123 456'),
  },
];
