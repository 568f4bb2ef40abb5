// Text channels: masked and blocked regions (markers, options, run-time
// calls, marks arriving late), strict-mode text, detected personal data in
// text and attributes, comments and <meta>.
import type { Page } from 'playwright-core';
import { CARDS, IBANS, NEAR_MISSES } from '../fixtures';
import { seq, typeInto, type Scenario } from '../harness';
import { EventType } from '../../../src/engine/protocol';

const run = (fn: () => void) => (page: Page) => page.evaluate(fn);

// ---------------------------------------------------------------------------
// Masked regions

const masked: Scenario[] = [
  {
    name: 'masks text in a masked region and keeps the text around it',
    html: `<div data-veil="mask"><h2>Account</h2><p>Holder: <b>VxMaskTxt4Qr9</b></p></div><p>Vx9Lq ordinary footer</p>`,
    canaries: ['VxMaskTxt4Qr9'],
    mustRecord: { balanced: ['Vx9Lq ordinary footer'], relaxed: ['Vx9Lq ordinary footer'] },
  },
  {
    name: 'masks text changed later, subtrees added later and innerHTML replaced later in a masked region',
    html: `<div data-veil="mask"><p id="p">loading</p></div><div data-veil="mask" id="box"></div>
      <div data-veil="mask" id="whole"><p>old</p></div>`,
    steps: run(() => {
      (document.getElementById('p')!.firstChild as Text).data = 'VxMaskLater7Wn';
      const s = document.createElement('section');
      s.innerHTML = '<p>Balance <b>VxMaskAdd5Hk2</b></p><img alt="VxMaskAddAlt8" width="4" height="4">';
      document.getElementById('box')!.appendChild(s);
      document.getElementById('whole')!.innerHTML = '<ul><li>VxInner4Hd6</li><li title="VxInnerT8Rk">b</li></ul>';
    }),
    canaries: ['VxMaskLater7Wn', 'VxMaskAdd5Hk2', 'VxMaskAddAlt8', 'VxInner4Hd6', 'VxInnerT8Rk'],
  },
  {
    name: 'masks text-bearing attributes in a masked region (alt, title, placeholder, aria-label, data-*, value), present and changed later',
    html: `<div data-veil="mask"><img alt="VxMAlt3Rf6" title="VxMTitle9Le" width="10" height="10">
      <input placeholder="VxMPlace6Dj1" aria-label="VxMAria7Ss4" value="VxMValAt2Pc">
      <span data-customer="VxMData5Ky8" title="VxMSpanT3Gw">x</span><abbr title="VxMAbbr8Qn">A</abbr>
      <span id="s" title="a">y</span></div>`,
    steps: run(() => {
      const s = document.getElementById('s')!;
      s.setAttribute('title', 'VxMAttrLate4');
      s.setAttribute('data-note', 'VxMDataLate7');
      s.setAttribute('aria-label', 'VxMAriaLate2');
    }),
    canaries: [
      'VxMAlt3Rf6',
      'VxMTitle9Le',
      'VxMPlace6Dj1',
      'VxMAria7Ss4',
      'VxMValAt2Pc',
      'VxMData5Ky8',
      'VxMSpanT3Gw',
      'VxMAbbr8Qn',
      'VxMAttrLate4',
      'VxMDataLate7',
      'VxMAriaLate2',
    ],
  },
  {
    name: 'masks a masked region added after start',
    html: `<main id="main"></main>`,
    steps: run(() => {
      document
        .getElementById('main')!
        .insertAdjacentHTML('beforeend', '<div data-veil="mask"><p>VxMaskNew3Tz8</p><input value="VxMaskNewIn5"></div>');
    }),
    canaries: ['VxMaskNew3Tz8', 'VxMaskNewIn5'],
  },
  {
    name: 'masks nodes moved into a masked region and changed there, in the same task and in a later one',
    html: `<p id="p1">ordinary words</p><p id="p2">more words</p><div data-veil="mask" id="box"></div>`,
    steps: async (page) => {
      await page.evaluate(() => {
        const p = document.getElementById('p1')!;
        document.getElementById('box')!.appendChild(p);
        p.textContent = 'VxMoveIn6Jp2';
        document.getElementById('box')!.appendChild(document.getElementById('p2')!);
      });
      await page.waitForTimeout(50);
      await page.evaluate(() => {
        document.getElementById('p2')!.textContent = 'VxMoveLt3Wd7';
      });
    },
    canaries: ['VxMoveIn6Jp2', 'VxMoveLt3Wd7'],
  },
  {
    name: 'never lets an unmask marker, the unmask option or recorder.unmask() inside a masked region unmask it',
    html: `<div data-veil="mask"><p data-veil="unmask">VxMUnm8Cd3</p><p class="promo">VxMUnmOpt5Rk</p><p id="r">x</p></div>`,
    options: { unmask: ['.promo'] },
    steps: run(() => {
      window.__veil.recorder.unmask(document.getElementById('r'));
      document.getElementById('r')!.textContent = 'VxMUnmRt2Pw';
    }),
    canaries: ['VxMUnm8Cd3', 'VxMUnmOpt5Rk', 'VxMUnmRt2Pw'],
  },
  {
    name: 'masks SVG text and comments in a masked region, present and added later',
    html: `<div data-veil="mask" id="box"><svg width="200" height="40"><title>VxSvgTtl4Pm</title><text x="0" y="20">VxSvgTxt2Lf</text></svg>
      <!-- VxMCmt5Qs8 --><p>x</p></div>`,
    steps: run(() => {
      document.getElementById('box')!.appendChild(document.createComment(' VxMCmtNew7Rb '));
    }),
    canaries: ['VxSvgTtl4Pm', 'VxSvgTxt2Lf', 'VxMCmt5Qs8', 'VxMCmtNew7Rb'],
  },
];

// ---------------------------------------------------------------------------
// Marks and options that arrive or match later

const lateMarks: Scenario[] = [
  {
    name: 'masks content changed after data-veil="mask" was set on a recorded region, in the same task and later',
    html: `<div id="d"><p id="p">public</p><span id="s" title="t">s</span></div><div id="e"><p id="q">public</p></div>`,
    steps: async (page) => {
      await page.evaluate(() => {
        document.getElementById('d')!.setAttribute('data-veil', 'mask');
        document.getElementById('p')!.textContent = 'VxLateTxt3Qm';
        document.getElementById('s')!.setAttribute('title', 'VxLateAttr6Wz');
        document.getElementById('d')!.insertAdjacentHTML('beforeend', '<b>VxLateAdd9Hr</b>');
        document.getElementById('e')!.setAttribute('data-veil', 'mask');
      });
      await page.waitForTimeout(50);
      await page.evaluate(() => {
        document.getElementById('q')!.textContent = 'VxLateTask5Jc';
      });
    },
    canaries: ['VxLateTxt3Qm', 'VxLateAttr6Wz', 'VxLateAdd9Hr', 'VxLateTask5Jc'],
  },
  {
    name: 'masks what is typed into a field after its region was marked data-veil="mask"',
    html: `<form id="f"><input id="q" type="text" name="q"></form>`,
    steps: seq(
      run(() => document.getElementById('f')!.setAttribute('data-veil', 'mask')),
      typeInto('#q', 'VxLateInp7Kb'),
    ),
    canaries: ['VxLateInp7Kb'],
  },
  {
    name: 'masks content changed after a class matching the mask option was added',
    html: `<div id="d"><p id="p">public</p></div>`,
    options: { mask: ['.private-zone'] },
    steps: run(() => {
      document.getElementById('d')!.classList.add('private-zone');
      document.getElementById('p')!.textContent = 'VxClsLate6Bt3';
      document.getElementById('d')!.insertAdjacentHTML('beforeend', '<i title="VxClsLateT2">i</i>');
    }),
    canaries: ['VxClsLate6Bt3', 'VxClsLateT2'],
  },
  {
    name: 'records the page afresh when any attribute makes the mask option select an element, and masks what follows',
    html: `<div id="d" data-tier="public"><p id="p">public words</p></div>`,
    options: { mask: ['[data-tier="private"]'] },
    steps: run(() => {
      document.getElementById('d')!.setAttribute('data-tier', 'private');
      document.getElementById('p')!.textContent = 'VxTierLate5Qd';
    }),
    canaries: ['VxTierLate5Qd'],
    check: (rec, _mode, expect) => {
      // the region was recorded before it was private: a fresh full snapshot replaces it
      expect(rec.events.filter((e) => e.type === EventType.FullSnapshot).length, 'a second full snapshot').toBeGreaterThanOrEqual(2);
    },
  },
  {
    // rrweb keeps only a blocked element's class and size: its mark must not
    // look new each time the page touches the element
    name: 'records a blocked widget once: changing its class, aria-label or title asks for no fresh full snapshot',
    html: `<section id="c" data-veil="block" class="chat" style="width:200px;height:80px"><p id="p">VxBlkWid4Nc</p></section><p id="q">page</p>`,
    steps: run(() => {
      const chat = document.getElementById('c')!;
      chat.classList.add('open');
      chat.setAttribute('aria-label', 'VxBlkWidA7');
      chat.setAttribute('title', 'VxBlkWidT3');
      document.getElementById('p')!.textContent = 'VxBlkWidM8Sd';
      // something the recording does show, so that events flow
      document.getElementById('q')!.textContent = 'page two';
    }),
    canaries: ['VxBlkWid4Nc', 'VxBlkWidA7', 'VxBlkWidT3', 'VxBlkWidM8Sd'],
    check: (rec, _mode, expect) => {
      expect(rec.events.filter((e) => e.type === EventType.FullSnapshot).length, 'full snapshots').toBe(1);
    },
  },
  {
    name: 'masks elements selected by the mask option, present and added after start',
    html: `<p class="customer-name">VxOptMask4Gm7</p><div id="profile"><span class="line">VxOptDesc8Tr</span></div><main id="m"></main>`,
    options: { mask: ['.customer-name', '#profile .line', '.customer-card'] },
    steps: run(() => {
      document.getElementById('m')!.insertAdjacentHTML('beforeend', '<div class="customer-card"><p>VxOptLate4Nw</p></div>');
    }),
    canaries: ['VxOptMask4Gm7', 'VxOptDesc8Tr', 'VxOptLate4Nw'],
  },
  {
    name: 'masks content changed after recorder.mask(element) at run time',
    html: `<div id="d"><p id="p">public</p></div>`,
    steps: run(() => {
      window.__veil.recorder.mask(document.getElementById('d'));
      document.getElementById('p')!.textContent = 'VxRtMask3Hn8';
      document.getElementById('d')!.setAttribute('title', 'VxRtMaskT5Dg');
    }),
    canaries: ['VxRtMask3Hn8', 'VxRtMaskT5Dg'],
  },
  {
    name: 'masks present and future elements after recorder.mask(selector) at run time',
    html: `<div id="list"><p class="acct">present</p></div>`,
    steps: run(() => {
      window.__veil.recorder.mask('.acct');
      document.querySelector('.acct')!.textContent = 'VxRtMaskP6Jw';
      document.getElementById('list')!.insertAdjacentHTML('beforeend', '<p class="acct">VxRtMaskSel8Dv</p>');
    }),
    canaries: ['VxRtMaskP6Jw', 'VxRtMaskSel8Dv'],
  },
];

// ---------------------------------------------------------------------------
// Blocked regions

const blocked: Scenario[] = [
  {
    name: 'never records text, input values or text-bearing attributes in a blocked region, the blocked element included',
    html: `<div data-veil="block" style="width:300px;height:120px" title="VxBlkSelfT4" aria-label="VxBlkSelfA7" data-user="VxBlkSelfD2">
      <p>VxBlkTxt2Pa7</p><input value="VxBlkInp8Nn4"><textarea>VxBlkTa5Rq</textarea><img alt="VxBlkAlt3Vb" width="3" height="3"></div>`,
    canaries: ['VxBlkTxt2Pa7', 'VxBlkInp8Nn4', 'VxBlkTa5Rq', 'VxBlkAlt3Vb', 'VxBlkSelfT4', 'VxBlkSelfA7', 'VxBlkSelfD2'],
  },
  {
    name: 'never records later text, attribute and node changes inside a blocked region',
    html: `<div data-veil="block" id="b"><span id="s">x</span></div>`,
    steps: run(() => {
      document.getElementById('s')!.textContent = 'VxBlkMutT6Ow';
      document.getElementById('s')!.setAttribute('title', 'VxBlkMutA3Ye');
      document.getElementById('s')!.setAttribute('class', 'VxBlkMutC8Hf');
      document.getElementById('b')!.insertAdjacentHTML('beforeend', '<i>VxBlkMutN5Zu</i>');
      document.getElementById('b')!.setAttribute('data-state', 'VxBlkMutS9Kj');
    }),
    canaries: ['VxBlkMutT6Ow', 'VxBlkMutA3Ye', 'VxBlkMutC8Hf', 'VxBlkMutN5Zu', 'VxBlkMutS9Kj'],
  },
  {
    name: 'sends no input event for controls used inside a blocked region (typed, selected, checked, set by script, contenteditable)',
    html: `<form data-veil="block"><input id="q" type="text" name="q"><textarea id="t"></textarea>
      <select id="s"><option value="a">a</option><option value="VxBlkSel2Hc">b</option></select><input id="c" type="checkbox" value="VxBlkChk7Yn">
      <input id="p" type="text" name="p"><div id="ed" contenteditable="true">x</div></form>`,
    steps: seq(
      typeInto('#q', 'VxBlkTyp4Lw9'),
      typeInto('#t', 'VxBlkTaTy6Ms'),
      (page) => page.selectOption('#s', 'VxBlkSel2Hc'),
      (page) => page.check('#c'),
      run(() => {
        const p = document.getElementById('p') as HTMLInputElement;
        p.value = 'VxBlkProg3Ft7';
        p.dispatchEvent(new Event('input', { bubbles: true }));
      }),
      typeInto('#ed', 'VxBlkEdit5Ug'),
    ),
    canaries: ['VxBlkTyp4Lw9', 'VxBlkTaTy6Ms', 'VxBlkSel2Hc', 'VxBlkChk7Yn', 'VxBlkProg3Ft7', 'VxBlkEdit5Ug'],
  },
  {
    name: 'never records a blocked region through unmask (marker, option, recorder.unmask()) or a node moved into it',
    html: `<p id="p">ordinary words</p><div data-veil="block" id="b"><p data-veil="unmask">VxBlkUnm8Rx2</p>
      <p class="promo">VxBlkUnmOpt4Tc</p><p id="r">x</p></div>`,
    options: { unmask: ['.promo'] },
    steps: run(() => {
      const p = document.getElementById('p')!;
      document.getElementById('b')!.appendChild(p);
      p.textContent = 'VxBlkMove7Jt';
      window.__veil.recorder.unmask(document.getElementById('r'));
      document.getElementById('r')!.textContent = 'VxBlkUnmRt6Lh';
    }),
    canaries: ['VxBlkUnm8Rx2', 'VxBlkMove7Jt', 'VxBlkUnmOpt4Tc', 'VxBlkUnmRt6Lh'],
  },
  {
    name: 'never records a region after data-veil="block" was set on it at run time',
    html: `<div id="d"><p id="p">public</p></div>`,
    steps: run(() => {
      document.getElementById('d')!.setAttribute('data-veil', 'block');
      document.getElementById('p')!.textContent = 'VxBlkLate2Mv';
      document.getElementById('p')!.setAttribute('title', 'VxBlkLateT9');
      document.getElementById('d')!.insertAdjacentHTML('beforeend', '<b>VxBlkLateN4</b>');
    }),
    canaries: ['VxBlkLate2Mv', 'VxBlkLateT9', 'VxBlkLateN4'],
  },
  {
    name: 'never records elements selected by the block option, present and added after start',
    html: `<div id="chat"><p>VxOptBlk6Zr1</p><input value="VxOptBlkIn4"></div><main id="m"></main>`,
    options: { block: ['#chat', '.ad-slot'] },
    steps: run(() => {
      document.getElementById('m')!.insertAdjacentHTML('beforeend', '<aside class="ad-slot"><p>VxOptBlkLt3Hq</p></aside>');
    }),
    canaries: ['VxOptBlk6Zr1', 'VxOptBlkIn4', 'VxOptBlkLt3Hq'],
  },
  {
    name: 'never records content changed after recorder.block(selector) at run time',
    html: `<div id="chat"><p id="p">hello</p></div>`,
    steps: run(() => {
      window.__veil.recorder.block('#chat');
      document.getElementById('p')!.textContent = 'VxRtBlk5Wq8';
      document.getElementById('p')!.setAttribute('title', 'VxRtBlkT2Nd');
      document.getElementById('chat')!.insertAdjacentHTML('beforeend', '<p>VxRtBlkN7Gx</p>');
    }),
    canaries: ['VxRtBlk5Wq8', 'VxRtBlkT2Nd', 'VxRtBlkN7Gx'],
  },
  {
    name: 'never records content or input after recorder.block(element) at run time, in a later task',
    html: `<div id="w"><p id="p">hello</p><input id="q" type="text" name="q"></div>`,
    steps: async (page) => {
      await page.evaluate(() => window.__veil.recorder.block(document.getElementById('w')));
      await page.waitForTimeout(50);
      await page.evaluate(() => {
        document.getElementById('p')!.textContent = 'VxRtBlkEl4Kc';
      });
      await typeInto('#q', 'VxRtBlkIn9Vr')(page);
    },
    canaries: ['VxRtBlkEl4Kc', 'VxRtBlkIn9Vr'],
  },
];

// ---------------------------------------------------------------------------
// Strict mode text

const strictText: Scenario[] = [
  {
    name: 'masks ordinary page text and comments in strict mode and records the text in balanced and relaxed',
    html: `<h1>Vx4Rn spring catalogue</h1><p>Vx4Rn free delivery over fifty</p><!-- Vx6Pz staff note about the layout -->`,
    mustNotRecord: { strict: ['Vx4Rn spring catalogue', 'Vx4Rn free delivery over fifty', 'Vx6Pz staff note about the layout'] },
    mustRecord: {
      balanced: ['Vx4Rn spring catalogue', 'Vx4Rn free delivery over fifty'],
      relaxed: ['Vx4Rn spring catalogue', 'Vx4Rn free delivery over fifty'],
    },
  },
  {
    name: 'masks ordinary text added after start in strict mode',
    html: `<div id="feed"></div>`,
    steps: run(() => {
      document.getElementById('feed')!.insertAdjacentHTML('beforeend', '<p>Vx8Tc new arrivals today</p>');
    }),
    mustNotRecord: { strict: ['Vx8Tc new arrivals today'] },
    mustRecord: { balanced: ['Vx8Tc new arrivals today'], relaxed: ['Vx8Tc new arrivals today'] },
  },
  {
    name: 'masks ordinary title, alt, placeholder and aria-label in strict mode and records them otherwise',
    html: `<span title="Vx2Wd title words">t</span><img alt="Vx2Wd alt words" src="/p.png" width="2" height="2">
      <input placeholder="Vx2Wd placeholder words"><button aria-label="Vx2Wd aria words">b</button>`,
    mustNotRecord: { strict: ['Vx2Wd title words', 'Vx2Wd alt words', 'Vx2Wd placeholder words', 'Vx2Wd aria words'] },
    mustRecord: {
      balanced: ['Vx2Wd title words', 'Vx2Wd placeholder words', 'Vx2Wd aria words'],
      relaxed: ['Vx2Wd title words', 'Vx2Wd placeholder words', 'Vx2Wd aria words'],
    },
  },
  {
    name: 'masks ordinary page text in strict mode but records an unmask region',
    html: `<p>Vx3Kd body sentence</p><div data-veil="unmask"><p>Vx3Kd unmasked notice</p></div>`,
    mustNotRecord: { strict: ['Vx3Kd body sentence'] },
    mustRecord: { strict: ['Vx3Kd unmasked notice'], balanced: ['Vx3Kd unmasked notice', 'Vx3Kd body sentence'] },
  },
];

// ---------------------------------------------------------------------------
// Detected personal data in text and attributes

const detectedInText: Scenario[] = [
  {
    name: 'masks e-mail addresses in page text (plain; capitals, plus tag and sub-domain)',
    html: `<p>Signed in as vx.signed.in@vx-inbox.org</p><p>Contact: Vx.Plus+Tag@Sub.VX-Corp.co.uk today</p>`,
    canaries: ['vx.signed.in@vx-inbox.org', 'Vx.Plus+Tag@Sub.VX-Corp.co.uk'],
  },
  {
    name: 'masks Luhn-valid card numbers (spaces, dashes, 15-digit 4-6-5) and valid IBANs (spaced, compact) in page text',
    html: `<p>Paying with ${CARDS.textSpaces}</p><p>Card ${CARDS.textDashes} expires soon</p><p>Amex ${CARDS.textAmex}</p>
      <p>Refund to ${IBANS.textSpaces}.</p><table><tr><td>${IBANS.textCompact}</td></tr></table>`,
    canaries: [CARDS.textSpaces, CARDS.textDashes, CARDS.textAmex, IBANS.textSpaces, IBANS.textCompact],
  },
  {
    // &nbsp; keeps a number on one line; the page source may break it across two
    name: 'masks card numbers and IBANs whose groups are joined by no-break spaces or broken across lines of the page source',
    html: `<p>Card ${CARDS.textNoBreakSpaces.replace(/ /g, '&nbsp;')} on file</p>
      <p>Card ${CARDS.textSourceBreak.slice(0, 9)}
         ${CARDS.textSourceBreak.slice(10)} charged</p>
      <p>Refund to ${IBANS.textNoBreakSpaces.replace(/ /g, '&nbsp;')}</p>
      <span title="card ${CARDS.titleNoBreakSpaces.replace(/ /g, '&#x2009;')}">t</span>`,
    canaries: [CARDS.textNoBreakSpaces, CARDS.textSourceBreak, IBANS.textNoBreakSpaces, CARDS.titleNoBreakSpaces],
  },
  {
    // CSS shows text too (content: "…") and carries it in custom properties
    name: 'masks e-mail addresses and card numbers in CSS: style attributes, a style element, set and inserted later',
    html: `<style>.card::after { content: "${CARDS.cssString}"; }</style>
      <p id="p" class="card" style="--owner: 'vx.css.attr@vx-mail.net'">Paid</p><p id="q">x</p>`,
    steps: run(() => {
      document.getElementById('q')!.setAttribute('style', '--owner: vx.css.later@vx-mail.net');
      const sheet = document.querySelector('style')!.sheet!;
      // CARDS.cssRuleLater, written out: this runs in the page
      sheet.insertRule(`.late::before { content: "5473 8473 8291 8473"; }`, sheet.cssRules.length);
      document.querySelector('style')!.append('.more::after { content: "vx.css.text@vx-mail.net"; }');
    }),
    canaries: [CARDS.cssString, CARDS.cssRuleLater, 'vx.css.attr@vx-mail.net', 'vx.css.later@vx-mail.net', 'vx.css.text@vx-mail.net'],
  },
  {
    // a stylesheet shows text with content: "…" as surely as a text node does
    name: 'masks text that CSS shows (content strings) where page text is masked: strict mode, masked regions, rules inserted later',
    html: `<style>.vx-note::after { content: "VxCssShown4Hm"; } .vx-font { font-family: "VxFontFam8", serif; }</style>
      <p class="vx-note vx-font">a</p><p class="late">b</p>
      <div data-veil="mask"><style>.vx-m::before { content: 'VxCssMasked6Rd' }</style><p class="vx-m">c</p></div>
      <div data-veil="unmask"><style>.vx-u::before { content: "VxCssUnm3Kq" }</style><p class="vx-u">d</p></div>`,
    steps: run(() => {
      const sheet = document.querySelector('style')!.sheet!;
      sheet.insertRule('.late::before { content: "VxCssRule5Wb"; }', sheet.cssRules.length);
      const masked = document.querySelector('[data-veil="mask"] style') as HTMLStyleElement;
      masked.sheet!.insertRule('.vx-m::after { content: "VxCssMRule7Lp"; }', 1);
      document.querySelector('p')!.setAttribute('style', '--label: "VxCssVar2Tn"');
    }),
    canaries: ['VxCssMasked6Rd', 'VxCssMRule7Lp'],
    mustNotRecord: { strict: ['VxCssShown4Hm', 'VxCssRule5Wb'] },
    mustRecord: {
      strict: ['VxCssUnm3Kq', 'VxFontFam8', 'VxCssVar2Tn'],
      balanced: ['VxCssShown4Hm', 'VxCssRule5Wb', 'VxCssUnm3Kq'],
      relaxed: ['VxCssShown4Hm', 'VxCssRule5Wb', 'VxCssUnm3Kq'],
    },
  },
  {
    name: 'masks e-mail addresses, card numbers and IBANs in title, data-*, aria-label and alt attributes',
    html: `<span title="owner vx.title.mail@vx-mail.net">a</span><span data-owner="vx.data.owner@vx-mail.net">b</span>
      <span title="${CARDS.titleAttribute}">c</span><span data-card="${CARDS.dataAttribute}">d</span>
      <span data-iban="${IBANS.dataAttribute}">e</span><span title="IBAN ${IBANS.titleAttribute}">f</span>
      <button aria-label="card ${CARDS.ariaLabel}">g</button><img alt="vx.alt.mail@vx-mail.net" src="/a.png" width="2" height="2">`,
    canaries: [
      'vx.title.mail@vx-mail.net',
      'vx.data.owner@vx-mail.net',
      CARDS.titleAttribute,
      CARDS.dataAttribute,
      IBANS.dataAttribute,
      IBANS.titleAttribute,
      CARDS.ariaLabel,
      'vx.alt.mail@vx-mail.net',
    ],
  },
  {
    name: 'masks personal data that appears in text and attributes after start',
    html: `<p id="p">nothing yet</p><span id="s">s</span>`,
    steps: (page) =>
      page.evaluate(
        ({ text, attr }) => {
          document.getElementById('p')!.textContent = `Welcome vx.late.mail@vx-mail.net, card ${text}`;
          document.getElementById('s')!.setAttribute('data-pay', attr);
          document.getElementById('s')!.setAttribute('title', 'vx.late.title@vx-mail.net');
        },
        { text: CARDS.lateText, attr: CARDS.lateAttribute },
      ),
    canaries: ['vx.late.mail@vx-mail.net', CARDS.lateText, CARDS.lateAttribute, 'vx.late.title@vx-mail.net'],
  },
  {
    name: 'masks personal data in the document title, initial and changed later',
    html: `<p>inbox</p>`,
    before: (page) => page.evaluate(() => (document.title = 'Inbox - vx.doc.title@vx-mail.net')),
    steps: run(() => {
      document.title = 'Inbox (2) - vx.doc.later@vx-mail.net';
    }),
    canaries: ['vx.doc.title@vx-mail.net', 'vx.doc.later@vx-mail.net'],
  },
  {
    name: 'masks personal data in comments and inside an unmask region',
    html: `<!-- owner vx.comment.mail@vx-mail.net --><!-- ${IBANS.comment} -->
      <div data-veil="unmask"><p>Reach vx.unmask.mail@vx-mail.net or pay ${CARDS.maskedOnlyByDetection}</p></div>`,
    canaries: ['vx.comment.mail@vx-mail.net', IBANS.comment, 'vx.unmask.mail@vx-mail.net', CARDS.maskedOnlyByDetection],
  },
  {
    name: 'records a non-Luhn 16-digit order number and an IBAN with a bad checksum in balanced and relaxed',
    html: `<p>Order ${NEAR_MISSES.orderNumberText} shipped</p><p>Example account ${NEAR_MISSES.badIban}</p>`,
    mustRecord: {
      balanced: [NEAR_MISSES.orderNumberText, NEAR_MISSES.badIban],
      relaxed: [NEAR_MISSES.orderNumberText, NEAR_MISSES.badIban],
    },
  },
  {
    name: 'masks only the card number and IBAN in a paragraph that also holds an order number',
    html: `<p>Order ${NEAR_MISSES.orderNumberMixed} paid with ${CARDS.mixedParagraph} from ${IBANS.mixedParagraph}</p>`,
    canaries: [CARDS.mixedParagraph, IBANS.mixedParagraph],
    mustRecord: { balanced: [NEAR_MISSES.orderNumberMixed], relaxed: [NEAR_MISSES.orderNumberMixed] },
  },
];

// ---------------------------------------------------------------------------
// <meta>

const meta: Scenario[] = [
  {
    name: 'masks <meta> content whose name suggests a secret, present and added after start',
    html: `<p>x</p>`,
    head:
      '<meta name="csrf-token" content="VxCsrf5Tq8Lm"><meta name="api-key" content="VxMetaKey3Wd">' +
      '<meta name="x-auth-token" content="VxMetaAuth7Hb"><meta name="description" content="ordinary">',
    steps: run(() => {
      const m = document.createElement('meta');
      m.name = 'csrf-token';
      m.content = 'VxCsrfLate6Pr';
      document.head.appendChild(m);
    }),
    canaries: ['VxCsrf5Tq8Lm', 'VxMetaKey3Wd', 'VxMetaAuth7Hb', 'VxCsrfLate6Pr'],
  },
];

export const textScenarios = { masked, lateMarks, blocked, strictText, detectedInText, meta };
