// Input channels: sensitive fields, personal fields, personal data typed into
// ordinary fields, every kind of control value, and detached controls.
import type { Page } from 'playwright-core';
import { CARDS, IBANS, NEAR_MISSES } from '../fixtures';
import { FRAME, findNodes, frameLoaded, seq, typeInto, type Scenario } from '../harness';
import { EventType, IncrementalSource } from '../../../src/engine/protocol';

const digits = (s: string) => s.replace(/\D/g, '');
const run = (fn: () => void) => (page: Page) => page.evaluate(fn);

// ---------------------------------------------------------------------------
// Passwords

const passwords: Scenario[] = [
  {
    name: 'never records a password typed by the user',
    html: `<form><label>Password <input id="pw" type="password" name="f0"></label></form>`,
    steps: typeInto('#pw', 'VxPwTyped4Qm8'),
    canaries: ['VxPwTyped4Qm8'],
  },
  {
    name: 'never records a password from a server-rendered value attribute',
    html: `<form><input id="pw" type="password" name="f0" value="VxPwAttr7Rn3K"></form>`,
    canaries: ['VxPwAttr7Rn3K'],
  },
  {
    name: 'never records a password typed before recording started',
    html: `<form><input id="pw" type="password" name="f0"></form>`,
    before: typeInto('#pw', 'VxPwEarly2Lc9'),
    canaries: ['VxPwEarly2Lc9'],
  },
  {
    name: 'never records a password set programmatically (as a framework or autofill would)',
    html: `<form><input id="pw" type="password" name="f0"></form>`,
    steps: run(() => {
      const pw = document.getElementById('pw') as HTMLInputElement;
      pw.value = 'VxPwProg5Hd1';
      pw.dispatchEvent(new Event('input', { bubbles: true }));
      pw.dispatchEvent(new Event('change', { bubbles: true }));
    }),
    canaries: ['VxPwProg5Hd1'],
  },
  {
    name: "never records a password written with setAttribute('value') or defaultValue",
    html: `<form><input id="pw" type="password" name="f0"><input id="pw2" type="password" name="f1"></form>`,
    steps: run(() => {
      document.getElementById('pw')!.setAttribute('value', 'VxPwSetAt8Ub6');
      (document.getElementById('pw2') as HTMLInputElement).defaultValue = 'VxPwDefVal3Hr';
    }),
    canaries: ['VxPwSetAt8Ub6', 'VxPwDefVal3Hr'],
  },
  {
    name: 'never records a password when its field is moved to another place, also after a show-password toggle',
    html: `<form id="a"><input id="pw" type="password" name="f0"><input id="pw2" type="password" name="f1"></form><form id="b"></form>`,
    steps: seq(
      typeInto('#pw', 'VxPwMove4Kt8'),
      typeInto('#pw2', 'VxPwMoveTg6Dn'),
      run(() => {
        const pw2 = document.getElementById('pw2') as HTMLInputElement;
        pw2.type = 'text';
        document.getElementById('b')!.appendChild(document.getElementById('pw')!);
        document.getElementById('b')!.appendChild(pw2);
      }),
    ),
    canaries: ['VxPwMove4Kt8', 'VxPwMoveTg6Dn'],
  },
  {
    name: 'never records a password inserted with execCommand insertText',
    html: `<form><input id="pw" type="password" name="f0"></form>`,
    steps: async (page) => {
      await page.click('#pw');
      await page.evaluate(() => document.execCommand('insertText', false, 'VxPwInsTx3Gk7'));
    },
    canaries: ['VxPwInsTx3Gk7'],
  },
  {
    name: 'never records a password typed after a show-password toggle, nor after hiding it again',
    html: `<form><input id="pw" type="password" name="f0">
      <button type="button" id="toggle" onclick="var p=document.getElementById('pw');p.type=p.type==='password'?'text':'password'">show</button></form>`,
    steps: seq(
      typeInto('#pw', 'VxShowA9Tw2'),
      (page) => page.click('#toggle'),
      typeInto('#pw', 'VxShowB4Np6'),
      (page) => page.click('#toggle'),
      typeInto('#pw', 'VxShowC7Yd3'),
    ),
    canaries: ['VxShowA9Tw2', 'VxShowB4Np6', 'VxShowC7Yd3'],
  },
  {
    name: 'never records a password whose field was toggled to text before recording started, nor what is typed after',
    html: `<form><input id="pw" type="password" name="f0">
      <button type="button" id="show" onclick="document.getElementById('pw').type='text'">show</button></form>`,
    before: seq(typeInto('#pw', 'VxPreTogA5Mq'), (page) => page.click('#show')),
    steps: typeInto('#pw', 'VxPreTogB8Wr'),
    canaries: ['VxPreTogA5Mq', 'VxPreTogB8Wr'],
  },
  {
    name: 'never records a password whose field lost its type attribute during recording',
    html: `<form><input id="pw" type="password" name="f0"></form>`,
    steps: seq(
      typeInto('#pw', 'VxNoTypeA3Jh'),
      run(() => document.getElementById('pw')!.removeAttribute('type')),
      typeInto('#pw', 'VxNoTypeB6Kv'),
    ),
    canaries: ['VxNoTypeA3Jh', 'VxNoTypeB6Kv'],
  },
  {
    name: 'never records what is typed into a text field once it became a password field, even after it turns back',
    html: `<form><input id="f" type="text" name="f0"></form>`,
    steps: seq(
      run(() => ((document.getElementById('f') as HTMLInputElement).type = 'password')),
      typeInto('#f', 'VxBecamePw3Fz'),
      run(() => ((document.getElementById('f') as HTMLInputElement).type = 'text')),
      typeInto('#f', 'VxBecameTx9Kd'),
    ),
    canaries: ['VxBecamePw3Fz', 'VxBecameTx9Kd'],
  },
  {
    name: 'never records a password typed into a password field added after start',
    html: `<form id="login"></form>`,
    steps: seq(
      run(() => {
        const pw = document.createElement('input');
        pw.type = 'password';
        pw.id = 'pw';
        document.getElementById('login')!.appendChild(pw);
      }),
      typeInto('#pw', 'VxPwLate2Sx5'),
    ),
    canaries: ['VxPwLate2Sx5'],
  },
  {
    name: 'never records a password whatever unmask says: region, marker on the field, option, run-time call',
    html: `<form data-veil="unmask"><input id="pw1" type="password"></form>
      <input id="pw2" type="password" data-veil="unmask">
      <form id="f3"><input id="pw3" type="password"></form>
      <form id="f4"><input id="pw4" type="password"></form>`,
    options: { unmask: ['#pw3', '#f3', '#f3 *'] },
    steps: seq(
      run(() => {
        window.__veil.recorder.unmask(document.getElementById('pw4'));
        window.__veil.recorder.unmask('#f4');
      }),
      typeInto('#pw1', 'VxPwUnm4Lt8'),
      typeInto('#pw2', 'VxPwUnmSelf6Qe'),
      typeInto('#pw3', 'VxPwOptUn7Cb'),
      typeInto('#pw4', 'VxPwRtUn5Mv'),
    ),
    canaries: ['VxPwUnm4Lt8', 'VxPwUnmSelf6Qe', 'VxPwOptUn7Cb', 'VxPwRtUn5Mv'],
  },
  {
    name: 'never records the value of a hidden input, from the page or set later',
    html: `<form><input id="h" type="hidden" name="state" value="VxHidVal3Pk8"></form>`,
    steps: run(() => {
      (document.getElementById('h') as HTMLInputElement).value = 'VxHidProg6Rt';
    }),
    canaries: ['VxHidVal3Pk8', 'VxHidProg6Rt'],
  },
];

// ---------------------------------------------------------------------------
// Fields declared sensitive or personal by their attributes. One page per
// family: a field per attribute value, each typed into with its own canary.

interface Field {
  /** Attributes of the control. Without an id="…", the field gets one. */
  attrs: string;
  canary: string;
  /** What is typed; default: the canary. */
  typed?: string;
  /** Element name; default input. */
  tag?: 'input' | 'textarea';
}

function fieldsPage(name: string, fields: Field[]): Scenario {
  const ids = fields.map((f, i) => /\bid="([^"]+)"/.exec(f.attrs)?.[1] ?? `f${i}`);
  const control = (f: Field, i: number) => {
    const attrs = /\bid="/.test(f.attrs) ? f.attrs : `id="${ids[i]}" ${f.attrs}`;
    return f.tag === 'textarea' ? `<textarea ${attrs}></textarea>` : `<input ${attrs}>`;
  };
  return {
    name,
    html: `<form>${fields.map((f, i) => `<label>field ${i} ${control(f, i)}</label><br>`).join('\n')}</form>`,
    steps: seq(...fields.map((f, i) => typeInto(`[id="${ids[i]}"]`, f.typed ?? f.canary))),
    canaries: fields.map((f) => f.canary),
  };
}

const declared: Scenario[] = [
  fieldsPage('never records fields whose autocomplete is cc-*, one-time-code, current-password or new-password, in any case', [
    { attrs: 'type="text" name="a1" autocomplete="cc-csc"', canary: 'VxCscQd28Lm' },
    { attrs: 'type="text" name="a2" autocomplete="cc-exp"', canary: 'VxExp12Zq29' },
    { attrs: 'type="text" name="a3" autocomplete="cc-name"', canary: 'VxCcName4Hb' },
    { attrs: 'type="text" name="a4" autocomplete="cc-number"', canary: 'VxCcNum8Bq2' },
    { attrs: 'type="text" name="a5" autocomplete="one-time-code"', canary: 'VxOtcWq5831' },
    { attrs: 'type="text" name="a6" autocomplete="current-password"', canary: 'VxCurPw6Tg2' },
    { attrs: 'type="text" name="a7" autocomplete="new-password"', canary: 'VxNewPw3Jy7' },
    { attrs: 'type="text" name="a8" autocomplete="CC-CSC"', canary: 'VxUpCsc9Rn4' },
    { attrs: 'type="text" name="a9" autocomplete="One-Time-Code"', canary: 'VxUpOtc2Kw6' },
  ]),
  fieldsPage('never records a card number typed into cc-number fields (plain, and with section and billing tokens)', [
    { attrs: 'inputmode="numeric" name="c1" autocomplete="cc-number"', canary: digits(CARDS.typedCcNumber), typed: CARDS.typedCcNumber },
    {
      attrs: 'type="text" name="c2" autocomplete="section-pay billing cc-number"',
      canary: digits(CARDS.typedCcNumberSection),
      typed: CARDS.typedCcNumberSection,
    },
  ]),
  fieldsPage('never records fields whose name or id suggests a secret: API_TOKEN, userPassword, cvv, pin, iban, ssn', [
    { attrs: 'type="text" name="API_TOKEN"', canary: 'VxApiTok7Fm3' },
    { attrs: 'type="text" id="userPassword"', canary: 'VxUsrPw4Dq9' },
    { attrs: 'type="text" name="cvv"', canary: 'VxCvv5Tz1Bn' },
    { attrs: 'type="text" name="pin"', canary: 'VxPin8Rk3Hs' },
    { attrs: 'type="text" id="iban"', canary: 'VxIbanFld6Wc' },
    { attrs: 'type="text" name="ssn"', canary: 'VxSsn2Mh7Lp' },
  ]),
  fieldsPage('never records fields named like passwd, pwd, secret, api key, otp, card number, cvc, csc, token, whatever the case', [
    { attrs: 'type="text" name="passwd"', canary: 'VxPasswd3Nq' },
    { attrs: 'type="text" id="pwd"', canary: 'VxPwdFld8Kz' },
    { attrs: 'type="text" name="client_secret"', canary: 'VxSecret5Gv' },
    { attrs: 'type="text" name="Secret"', canary: 'VxSecretC8Ty' },
    { attrs: 'type="text" name="x-api-key"', canary: 'VxApiKey4Yt' },
    { attrs: 'type="text" name="apiKey"', canary: 'VxApiKeyC6Ws' },
    { attrs: 'type="text" id="otp"', canary: 'VxOtpFld9Jm' },
    { attrs: 'type="text" name="card_number"', canary: 'VxCardNo2Hq' },
    { attrs: 'type="text" name="cardNumber"', canary: 'VxCardNoC7Lb' },
    { attrs: 'type="text" name="CVC"', canary: 'VxCvc3Pn8Ds' },
    { attrs: 'type="text" id="card-csc"', canary: 'VxCscId5Rw2' },
    { attrs: 'type="text" id="Customer_SSN"', canary: 'VxSsnUp4Kt9' },
    { attrs: 'type="text" name="user[password]"', canary: 'VxRailsPw7Qb' },
    { attrs: 'type="text" name="session_token"', canary: 'VxSessTok3Vn' },
  ]),
  fieldsPage('never records fields whose placeholder or aria-label asks for a secret', [
    { attrs: 'type="text" name="f1" placeholder="Password"', canary: 'VxPhPass6Wm' },
    { attrs: 'type="text" name="f2" placeholder="Card number"', canary: 'VxPhCard3Kd' },
    { attrs: 'type="text" name="f3" aria-label="Security code"', canary: 'VxAlCsc8Qn' },
    { attrs: 'type="text" name="f4" placeholder="PIN"', canary: 'VxPhPin5Rt' },
    { attrs: 'name="f5" placeholder="Your API token"', canary: 'VxPhTok2Zb', tag: 'textarea' },
  ]),
  {
    name: 'judges a field again when its placeholder changes to one asking for a secret, and records example placeholders in relaxed',
    html: `<form><input id="s" name="s1" placeholder="Search products"><input id="g" name="g1" placeholder="Happy birthday!">
      <input id="v" name="v1" placeholder="Voucher"></form>`,
    steps: seq(
      typeInto('#s', 'VxPhSearch4Lq'),
      typeInto('#g', 'VxPhGift7Rn'),
      (page) => page.evaluate(() => document.getElementById('v')!.setAttribute('placeholder', 'One-time password')),
      typeInto('#v', 'VxPhLate9Tm'),
    ),
    canaries: ['VxPhLate9Tm'],
    mustRecord: { relaxed: ['VxPhSearch4Lq', 'VxPhGift7Rn'] },
  },
  fieldsPage('masks personal fields with type="email" or type="tel" in every mode', [
    { attrs: 'type="email" name="p1"', canary: 'VxEmlFld4Kc8' },
    { attrs: 'type="tel" name="p2"', canary: 'VxTelFld7Bn2' },
  ]),
  fieldsPage('masks personal fields by autocomplete (names, address, postal code, birthday, e-mail, phone) in every mode', [
    { attrs: 'type="text" name="q1" autocomplete="given-name"', canary: 'VxGivName3Rq' },
    { attrs: 'type="text" name="q2" autocomplete="family-name"', canary: 'VxFamName6Tw' },
    { attrs: 'type="text" name="q3" autocomplete="name"', canary: 'VxFullNm7Hc' },
    { attrs: 'name="q4" autocomplete="street-address"', canary: 'VxStreet5Lm9', tag: 'textarea' },
    { attrs: 'type="text" name="q5" autocomplete="shipping address-line1"', canary: 'VxAddrLn3Dk' },
    { attrs: 'type="text" name="q6" autocomplete="postal-code"', canary: 'VxPostal8Jd' },
    { attrs: 'type="text" name="q7" autocomplete="bday"', canary: 'VxBday2Wv7Q' },
    { attrs: 'type="text" name="q8" autocomplete="email"', canary: 'VxAcEmail4Gh' },
    { attrs: 'type="text" name="q9" autocomplete="tel"', canary: 'VxAcTel9Psz' },
  ]),
  {
    name: 'masks personal fields in every mode: a server-rendered type="email" value, and fields inside an unmask region',
    html: `<form><input id="f" type="email" name="f9" value="VxEmlAttr2Nd"></form>
      <form data-veil="unmask"><input id="e" type="email"><input id="t" type="tel"></form>`,
    steps: seq(typeInto('#e', 'VxUnmEml5Rz'), typeInto('#t', 'VxUnmTel8Wq')),
    canaries: ['VxEmlAttr2Nd', 'VxUnmEml5Rz', 'VxUnmTel8Wq'],
  },
];

// ---------------------------------------------------------------------------
// Personal data typed into ordinary fields (the relaxed run is the one that matters)

const detectedInInputs: Scenario[] = [
  {
    name: 'masks e-mail addresses, card numbers (spaces, dashes) and IBANs typed into plain fields and a contenteditable',
    html: `<form><input id="q1" type="text" name="note1"><input id="q2" type="text" name="note2">
      <input id="q3" type="text" name="note3"><input id="q4" type="text" name="note4"></form><div id="ed" contenteditable="true">notes:</div>`,
    steps: seq(
      typeInto('#q1', 'vx.kqt58@mailbox-vx.net'),
      typeInto('#q2', CARDS.typedPlainSpaces),
      typeInto('#q3', `paid ${CARDS.typedPlainDashes} ok`),
      typeInto('#q4', IBANS.typedPlain),
      typeInto('#ed', ` ${CARDS.contenteditable}`),
    ),
    canaries: ['vx.kqt58@mailbox-vx.net', CARDS.typedPlainSpaces, CARDS.typedPlainDashes, IBANS.typedPlain, CARDS.contenteditable],
  },
  {
    name: 'masks a card number typed without separators into a plain field, and one set by script',
    html: `<form><input id="q1" type="text" name="ref1"><input id="q2" type="text" name="ref2"></form>`,
    steps: seq(typeInto('#q1', CARDS.typedPlainCompact), (page) =>
      page.evaluate((value) => {
        const q = document.getElementById('q2') as HTMLInputElement;
        q.value = value;
        q.dispatchEvent(new Event('input', { bubbles: true }));
      }, 'vx.script.mail@vx-mail.net'),
    ),
    canaries: [CARDS.typedPlainCompact, 'vx.script.mail@vx-mail.net'],
  },
  {
    name: 'masks personal data in the initial values of plain controls: textarea text, value attribute, option text',
    html: `<form><textarea id="t" name="comments">Card on file: ${CARDS.textareaDefault}</textarea>
      <input id="q" type="text" name="note" value="ref ${CARDS.valueAttribute}">
      <select id="s" name="who"><option value="a">nobody</option><option value="b">vx.opt.mail@vx-people.org</option></select>
      <select id="s2" name="card"><option value="x">-</option><option value="${CARDS.optionValue}">saved card</option></select></form>`,
    steps: seq(
      (page) => page.selectOption('#s', 'b'),
      (page) => page.selectOption('#s2', CARDS.optionValue),
    ),
    canaries: [CARDS.textareaDefault, CARDS.valueAttribute, 'vx.opt.mail@vx-people.org', CARDS.optionValue],
  },
  {
    name: 'records a typed 16-digit order number that fails the Luhn check in relaxed mode',
    html: `<form><input id="q" type="text" name="order"></form>`,
    steps: typeInto('#q', NEAR_MISSES.orderNumberTyped),
    mustRecord: { relaxed: [NEAR_MISSES.orderNumberTyped] },
    mustNotRecord: { strict: [NEAR_MISSES.orderNumberTyped], balanced: [NEAR_MISSES.orderNumberTyped] },
  },
];

// ---------------------------------------------------------------------------
// Every kind of control value inside a masked region

const maskedControls: Scenario[] = [
  {
    name: 'masks text inputs and textareas in a masked region (typed, default text) and a field marked on its own',
    html: `<form data-veil="mask"><input id="t" type="text" name="nick"><textarea id="ta">VxMTaDef3Lk9</textarea></form>
      <input id="s" type="text" name="nick2" data-veil="mask">`,
    steps: seq(typeInto('#t', 'VxMText5Hn7'), typeInto('#ta', 'VxMTaTyp6Qw1'), typeInto('#s', 'VxMSelf3Wd6')),
    canaries: ['VxMText5Hn7', 'VxMTaDef3Lk9', 'VxMTaTyp6Qw1', 'VxMSelf3Wd6'],
  },
  {
    name: 'masks choices in a masked region: select value and option texts, radio and checkbox values, datalist options',
    html: `<form data-veil="mask"><select id="sel"><option value="x0">-</option>
      <option value="VxMSelVal8Pn">VxMSelTxt2Hd</option><option value="x2">VxMSelOther4Jb</option></select>
      <label><input type="radio" name="plan" id="r1" value="VxMRadA5Jq3"> A</label>
      <label><input type="radio" name="plan" id="r2" value="VxMRadB7Wt1"> B</label>
      <label><input type="checkbox" name="opt" id="c1" value="VxMChk4Zr8"> C</label>
      <input id="c" list="dl"><datalist id="dl"><option value="VxMDlist4Pw2"></option></datalist></form>`,
    steps: seq(
      (page) => page.selectOption('#sel', 'VxMSelVal8Pn'),
      (page) => page.check('#r1'),
      (page) => page.check('#r2'),
      (page) => page.check('#c1'),
    ),
    canaries: ['VxMSelVal8Pn', 'VxMSelTxt2Hd', 'VxMSelOther4Jb', 'VxMRadA5Jq3', 'VxMRadB7Wt1', 'VxMChk4Zr8', 'VxMDlist4Pw2'],
  },
  {
    // rrweb sends the other radios of a checked one's group as unchecked, with
    // their values, without asking the capture layer: a member joined to the
    // form from a masked region, and a group whose name a selector cannot hold
    name: "masks the values of a checked radio's group, also of a member joined to its form from elsewhere, and keeps recording whatever the group's name",
    html: `<form id="f"><input type="radio" name="plan" id="r1" value="plain-one"></form>
      <div data-veil="mask"><input type="radio" name="plan" form="f" id="r2" value="VxGrpJoined5Kd" checked></div>
      <div data-veil="mask"><input type="radio" name='say "hi"\\' id="q1" value="VxGrpQuoted3Wm" checked><input type="radio" name='say "hi"\\' id="q2" value="other"></div>
      <p id="after">waiting</p>`,
    steps: seq(
      (page) => page.check('#r1'),
      (page) => page.check('#q2'),
      run(() => {
        document.getElementById('after')!.textContent = 'VxAfterRadios6Tn';
      }),
    ),
    canaries: ['VxGrpJoined5Kd', 'VxGrpQuoted3Wm'],
    mustRecord: { balanced: ['VxAfterRadios6Tn'], relaxed: ['VxAfterRadios6Tn'] },
    check: (rec, _mode, expect) => {
      // both groups' other members were recorded as unchecked: the values above went through the scrubber
      for (const other of ['r2', 'q1']) {
        const ids = findNodes(rec.events, (a) => a.id === other).map((n) => n.id as number);
        expect(
          rec.events.some(
            (e) =>
              e.type === EventType.IncrementalSnapshot &&
              e.data?.source === IncrementalSource.Input &&
              e.data.isChecked === false &&
              ids.includes(e.data.id),
          ),
          other,
        ).toBe(true);
      }
    },
  },
  {
    name: 'masks option and optgroup labels in a masked region',
    html: `<form data-veil="mask"><select id="s"><optgroup label="VxMOptGrp3Lw"><option value="a" label="VxMOptLbl8Ds">a</option></optgroup></select></form>`,
    canaries: ['VxMOptGrp3Lw', 'VxMOptLbl8Ds'],
  },
  {
    name: 'masks values set by script in a masked region (input, textarea, select, checkbox)',
    html: `<form data-veil="mask"><input id="i" type="text" name="i"><textarea id="t"></textarea>
      <select id="s"><option value="a">a</option><option value="VxMScrSel5Qt">b</option></select><input id="c" type="checkbox" value="VxMScrChk2Jn"></form>`,
    steps: run(() => {
      const fire = (el: Element) => el.dispatchEvent(new Event('input', { bubbles: true }));
      const i = document.getElementById('i') as HTMLInputElement;
      i.value = 'VxMScrInp7Hb';
      fire(i);
      const t = document.getElementById('t') as HTMLTextAreaElement;
      t.value = 'VxMScrTa4Wm';
      fire(t);
      const s = document.getElementById('s') as HTMLSelectElement;
      s.value = 'VxMScrSel5Qt';
      fire(s);
      const c = document.getElementById('c') as HTMLInputElement;
      c.checked = true;
      fire(c);
    }),
    canaries: ['VxMScrInp7Hb', 'VxMScrTa4Wm', 'VxMScrSel5Qt', 'VxMScrChk2Jn'],
  },
  {
    name: 'masks button values in a masked region',
    html: `<form data-veil="mask"><button id="b" type="button" name="act" value="VxMBtnVal6Rf">Go</button>
      <input type="submit" value="VxMSubmit2Kv" onclick="return false"><input type="button" value="VxMInpBtn9Hs"><input type="reset" value="VxMReset4Qz"></form>`,
    canaries: ['VxMBtnVal6Rf', 'VxMSubmit2Kv', 'VxMInpBtn9Hs', 'VxMReset4Qz'],
  },
  {
    name: 'masks a file name and a contenteditable (initial and typed text) in a masked region',
    html: `<div data-veil="mask"><input id="f" type="file"><div id="ed" contenteditable="true">VxMEdInit5Tc</div></div>`,
    steps: async (page) => {
      await page.setInputFiles('#f', { name: 'VxMFile9Gb2.pdf', mimeType: 'application/pdf', buffer: Buffer.from('x') });
      await page.click('#ed');
      await page.keyboard.press('End');
      await page.keyboard.type(' VxMEdit3Ys8');
    },
    canaries: ['VxMFile9Gb2', 'VxMEdInit5Tc', 'VxMEdit3Ys8'],
  },
  {
    name: 'masks stale server-rendered value attributes of masked fields changed by the user before start',
    html: `<form><input id="n" name="nickname" data-veil="mask" value="VxStale7Cq3"></form>
      <form data-veil="mask"><input id="m" name="nickname2" value="VxStaleReg5Hm"></form>`,
    before: async (page) => {
      await page.fill('#n', '');
      await page.fill('#m', 'VxStaleUsr8Dp');
    },
    steps: typeInto('#n', 'VxStaleNew2Bn'),
    unreachable: { canaries: ['VxStaleReg5Hm'], why: 'rrweb serializes the current value, not the stale attribute' },
    canaries: ['VxStale7Cq3', 'VxStaleNew2Bn', 'VxStaleReg5Hm', 'VxStaleUsr8Dp'],
  },
];

// ---------------------------------------------------------------------------
// Ordinary controls: input values are masked in strict and balanced

const plainValues = ['VxPlSelV3Kd', 'VxPlSelT6Wm', 'VxPlTaDef8Jr', 'VxPlRad2Tq7', 'VxPlChk9Lm4', 'VxPlBtn4Hw6', 'VxPlSrv7Gc3'];

const ordinaryControls: Scenario[] = [
  {
    name: 'masks every kind of plain control value in strict and balanced (select, textarea, radio, checkbox, button, value attribute)',
    html: `<form><select id="s" name="size"><option value="m">-</option><option value="VxPlSelV3Kd">VxPlSelT6Wm</option></select>
      <textarea id="t" name="comments">VxPlTaDef8Jr</textarea>
      <input type="radio" id="r" name="p" value="VxPlRad2Tq7"><input type="checkbox" id="c" name="o" value="VxPlChk9Lm4">
      <button type="button" name="act" value="VxPlBtn4Hw6">Send</button><input id="n" name="nickname" value="VxPlSrv7Gc3"></form>`,
    steps: seq(
      (page) => page.selectOption('#s', 'VxPlSelV3Kd'),
      (page) => page.check('#r'),
      (page) => page.check('#c'),
    ),
    mustNotRecord: { strict: plainValues, balanced: plainValues },
  },
  {
    name: 'masks a plain contenteditable in strict and balanced and records it in relaxed',
    html: `<div id="ed" contenteditable="true">x</div>`,
    steps: typeInto('#ed', 'VxPlEdit5Nb2'),
    mustNotRecord: { strict: ['VxPlEdit5Nb2'], balanced: ['VxPlEdit5Nb2'] },
    mustRecord: { relaxed: ['VxPlEdit5Nb2'] },
  },
  {
    name: 'never records the name of a chosen file',
    html: `<form><input id="f" type="file" name="upload"></form>`,
    steps: (page) => page.setInputFiles('#f', { name: 'VxFileNm3Rd6.pdf', mimeType: 'application/pdf', buffer: Buffer.from('x') }),
    canaries: ['VxFileNm3Rd6'],
  },
];

// ---------------------------------------------------------------------------
// Detached controls

const detached: Scenario[] = [
  {
    name: 'sends nothing about elements removed in the same task, or never attached (input events, text, attributes)',
    html: `<form><input id="q" type="text" name="q"></form><div id="box"><p id="p" title="t">ordinary</p></div>`,
    steps: run(() => {
      const q = document.getElementById('q') as HTMLInputElement;
      q.remove();
      q.value = 'VxDetach4Mq2';
      q.dispatchEvent(new Event('input', { bubbles: true }));
      q.dispatchEvent(new Event('change', { bubbles: true }));
      const p = document.getElementById('p')!;
      p.remove();
      p.firstChild!.textContent = 'VxDetTxt5Ln8';
      p.setAttribute('title', 'VxDetAttr8Kp');
      p.appendChild(document.createElement('b')).textContent = 'VxDetAdd2Gs';
      const never = document.createElement('input');
      never.value = 'VxNeverAt3Jd';
      never.setAttribute('title', 'VxNeverTtl6Fk');
      never.dispatchEvent(new Event('input', { bubbles: true }));
    }),
    unreachable: {
      canaries: ['VxDetTxt5Ln8', 'VxDetAttr8Kp', 'VxDetAdd2Gs', 'VxNeverTtl6Fk'],
      why: 'rrweb drops mutations of detached nodes by itself; the value setter hook is what reaches it',
    },
    canaries: ['VxDetach4Mq2', 'VxDetTxt5Ln8', 'VxDetAttr8Kp', 'VxDetAdd2Gs', 'VxNeverAt3Jd', 'VxNeverTtl6Fk'],
  },
  {
    name: 'sends no input event for a field changed in a later task after it was removed from the page',
    html: `<form><input id="q" type="text" name="q"></form>`,
    steps: async (page) => {
      await page.evaluate(() => {
        (window as any).__detached = document.getElementById('q');
        (window as any).__detached.remove();
      });
      await page.waitForTimeout(100);
      await page.evaluate(() => {
        const q = (window as any).__detached as HTMLInputElement;
        q.value = 'VxDetLate7Rw3';
        q.setAttribute('value', 'VxDetLateAt5');
        q.dispatchEvent(new Event('input', { bubbles: true }));
      });
    },
    unreachable: { canaries: ['VxDetLateAt5'], why: 'rrweb drops attribute mutations of detached nodes by itself' },
    canaries: ['VxDetLate7Rw3', 'VxDetLateAt5'],
  },
];

// A page may change a field's classification and its value in one task (a
// framework re-rendering inside an event handler): the change must count for
// the very next input event, before any observer callback has run.
const sameTask: Scenario[] = [
  {
    name: 'masks a value typed in the same task right after an ancestor was marked mask',
    html: `<form><div id="wrap"><input id="q" type="text" name="note"></div></form>`,
    steps: run(() => {
      const q = document.getElementById('q') as HTMLInputElement;
      q.value = 'first value';
      q.dispatchEvent(new Event('input', { bubbles: true }));
      document.getElementById('wrap')!.setAttribute('data-veil', 'mask');
      q.value = 'VxSameTaskMk4Rd';
      q.dispatchEvent(new Event('input', { bubbles: true }));
    }),
    canaries: ['VxSameTaskMk4Rd'],
  },
  {
    name: 'never records a value set in the same task right after the field became a password',
    html: `<form><input id="q" type="text" name="note"></form>`,
    steps: run(() => {
      const q = document.getElementById('q') as HTMLInputElement;
      q.value = 'first value';
      q.dispatchEvent(new Event('input', { bubbles: true }));
      q.type = 'password';
      q.value = 'VxSameTaskPw7Jn';
      q.dispatchEvent(new Event('input', { bubbles: true }));
    }),
    canaries: ['VxSameTaskPw7Jn'],
  },
  {
    name: 'masks a value typed in the same task right after the field moved into a masked region',
    html: `<form><div id="open"><input id="q" type="text" name="note"></div><div id="closed" class="veil-mask"></div></form>`,
    steps: run(() => {
      const q = document.getElementById('q') as HTMLInputElement;
      q.value = 'first value';
      q.dispatchEvent(new Event('input', { bubbles: true }));
      document.getElementById('closed')!.appendChild(q);
      q.value = 'VxSameTaskMv2Kc';
      q.dispatchEvent(new Event('input', { bubbles: true }));
    }),
    canaries: ['VxSameTaskMv2Kc'],
  },
  {
    name: 'masks a value typed in the same task right after its autocomplete said it is a card number',
    html: `<form><input id="q" type="text" name="note"></form>`,
    steps: run(() => {
      const q = document.getElementById('q') as HTMLInputElement;
      q.value = 'first value';
      q.dispatchEvent(new Event('input', { bubbles: true }));
      q.setAttribute('autocomplete', 'cc-csc');
      q.value = 'VxSameTaskCc5Wt';
      q.dispatchEvent(new Event('input', { bubbles: true }));
    }),
    canaries: ['VxSameTaskCc5Wt'],
  },
  {
    name: 'masks a value typed in the same task right after an ancestor inside a shadow root was marked mask',
    html: `<div id="host"></div>`,
    before: run(() => {
      const root = document.getElementById('host')!.attachShadow({ mode: 'open' });
      root.innerHTML = '<div id="wrap"><input id="q" type="text" name="note"></div>';
    }),
    steps: run(() => {
      const root = document.getElementById('host')!.shadowRoot!;
      const q = root.getElementById('q') as HTMLInputElement;
      q.value = 'first value';
      q.dispatchEvent(new Event('input', { bubbles: true }));
      root.getElementById('wrap')!.setAttribute('data-veil', 'mask');
      q.value = 'VxSameTaskSh6Pz';
      q.dispatchEvent(new Event('input', { bubbles: true }));
    }),
    canaries: ['VxSameTaskSh6Pz'],
  },
  {
    name: 'masks text changed in the same task as an input event, right after its region was marked mask',
    html: `<form><input id="q" type="text" name="note"></form><div id="wrap"><p id="p">Ordinary words</p></div>`,
    steps: run(() => {
      const q = document.getElementById('q') as HTMLInputElement;
      q.value = 'first value';
      q.dispatchEvent(new Event('input', { bubbles: true }));
      document.getElementById('p')!.textContent = 'still ordinary';
      document.getElementById('wrap')!.setAttribute('data-veil', 'mask');
      document.getElementById('p')!.textContent = 'VxSameTaskTx3Hb';
    }),
    canaries: ['VxSameTaskTx3Hb'],
  },
  {
    name: 'masks a checkbox value and choice set in the same task right after its region was marked mask',
    html: `<form><div id="wrap"><input id="c" type="checkbox" name="opt"><input id="r" type="radio" name="pick"></div></form>`,
    steps: run(() => {
      const c = document.getElementById('c') as HTMLInputElement;
      const r = document.getElementById('r') as HTMLInputElement;
      c.dispatchEvent(new Event('input', { bubbles: true }));
      document.getElementById('wrap')!.setAttribute('data-veil', 'mask');
      c.value = 'VxSameTaskCb8Tq';
      c.checked = true;
      c.dispatchEvent(new Event('input', { bubbles: true }));
      r.value = 'VxSameTaskRd4Lm';
      r.checked = true;
      r.dispatchEvent(new Event('change', { bubbles: true }));
    }),
    canaries: ['VxSameTaskCb8Tq', 'VxSameTaskRd4Lm'],
  },
  {
    name: 'masks a checkbox value set in the same task right after the checkbox moved into a masked region',
    html: `<form><div id="open"><input id="c" type="checkbox" name="opt"></div><div id="closed" data-veil="mask"></div></form>`,
    steps: run(() => {
      const c = document.getElementById('c') as HTMLInputElement;
      c.dispatchEvent(new Event('input', { bubbles: true }));
      document.getElementById('closed')!.appendChild(c);
      c.value = 'VxSameTaskCbMv6';
      c.checked = true;
      c.dispatchEvent(new Event('input', { bubbles: true }));
    }),
    canaries: ['VxSameTaskCbMv6'],
  },
  {
    // rrweb reports checkboxes and radios without asking the capture layer, and
    // its observer of a shadow root runs after the input event: only the
    // scrubber stands in the way, and it must know of the mark already
    name: 'masks a checkbox and a radio in a shadow root set in the same task right after an ancestor there was marked mask',
    html: `<div id="host"></div>`,
    before: run(() => {
      const root = document.getElementById('host')!.attachShadow({ mode: 'open' });
      root.innerHTML = '<div id="wrap"><input id="c" type="checkbox" name="opt"><input id="r" type="radio" name="pick"></div>';
    }),
    steps: run(() => {
      const root = document.getElementById('host')!.shadowRoot!;
      const c = root.getElementById('c') as HTMLInputElement;
      const r = root.getElementById('r') as HTMLInputElement;
      c.dispatchEvent(new Event('input', { bubbles: true }));
      root.getElementById('wrap')!.setAttribute('data-veil', 'mask');
      c.value = 'VxSameTaskShCb5';
      c.checked = true;
      c.dispatchEvent(new Event('input', { bubbles: true }));
      r.value = 'VxSameTaskShRd7';
      r.checked = true;
      r.dispatchEvent(new Event('change', { bubbles: true }));
    }),
    canaries: ['VxSameTaskShCb5', 'VxSameTaskShRd7'],
  },
  {
    name: 'sends no input event for a checkbox in a shadow root used in the same task right after an ancestor there was marked block',
    html: `<div id="host"></div>`,
    before: run(() => {
      const root = document.getElementById('host')!.attachShadow({ mode: 'open' });
      root.innerHTML = '<div id="wrap"><input id="c" type="checkbox" name="opt"></div>';
    }),
    steps: run(() => {
      const root = document.getElementById('host')!.shadowRoot!;
      const c = root.getElementById('c') as HTMLInputElement;
      root.getElementById('wrap')!.setAttribute('data-veil', 'block');
      c.value = 'VxSameTaskShBk2';
      c.checked = true;
      c.dispatchEvent(new Event('input', { bubbles: true }));
    }),
    canaries: ['VxSameTaskShBk2'],
    check: (rec, _mode, expect) =>
      expect(
        rec.events.filter(
          (e) => e.type === EventType.IncrementalSnapshot && (e.data as { source?: number })?.source === IncrementalSource.Input,
        ),
      ).toEqual([]),
  },
  {
    name: 'masks a checkbox in a same-origin iframe set in the same task right after an ancestor there was marked mask',
    html: `<iframe id="f" src="/frame.html" width="300" height="100"></iframe>`,
    files: { '/frame.html': FRAME('<p>ready</p><div id="wrap"><input id="c" type="checkbox" name="opt"></div>') },
    before: frameLoaded('#f', 'ready'),
    steps: run(() => {
      const doc = (document.getElementById('f') as HTMLIFrameElement).contentDocument!;
      const c = doc.getElementById('c') as HTMLInputElement;
      c.dispatchEvent(new Event('input', { bubbles: true }));
      doc.getElementById('wrap')!.setAttribute('data-veil', 'mask');
      c.value = 'VxSameTaskIfCb4';
      c.checked = true;
      c.dispatchEvent(new Event('input', { bubbles: true }));
    }),
    canaries: ['VxSameTaskIfCb4'],
  },
];

export const inputScenarios = {
  passwords,
  declared,
  detectedInInputs,
  maskedControls,
  ordinaryControls,
  detached,
  sameTask,
};
