// Structural channels: open shadow roots, same-origin iframes, URLs, media.
import type { Page } from 'playwright-core';
import { CARDS } from '../fixtures';
import { FRAME, frameLoaded, seq, typeInFrame, typeInto, type Scenario } from '../harness';
import { EventType, IncrementalSource } from '../../../src/engine/protocol';

const run = (fn: () => void) => (page: Page) => page.evaluate(fn);

/** A custom element `<tag>` whose open shadow root gets `inner` as its HTML. */
const shadowElement = (tag: string, inner: string) =>
  `<script>customElements.define('${tag}', class extends HTMLElement {
    constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = ${JSON.stringify(inner)}; }
  });</script>`;

// ---------------------------------------------------------------------------
// Shadow DOM

const shadow: Scenario[] = [
  {
    name: 'never records a password typed into an open shadow root',
    html: `<login-box id="lb"></login-box>${shadowElement('login-box', '<form><input id="pw" type="password"></form>')}`,
    steps: typeInto('login-box input', 'VxShPw4Kd8q'),
    canaries: ['VxShPw4Kd8q'],
  },
  {
    name: 'records ordinary shadow-root text (in elements and directly under the root) in balanced and relaxed, masks it in strict',
    html: `<info-card></info-card>${shadowElement('info-card', '<p>Vx5Gh shadow card words</p>')}
      <plain-host id="h"></plain-host><script>
      customElements.define('plain-host', class extends HTMLElement {
        constructor() { super(); const r = this.attachShadow({ mode: 'open' }); r.append('Vx7Dm direct shadow words'); }
      });</script>`,
    mustNotRecord: { strict: ['Vx5Gh shadow card words', 'Vx7Dm direct shadow words'] },
    mustRecord: {
      balanced: ['Vx5Gh shadow card words', 'Vx7Dm direct shadow words'],
      relaxed: ['Vx5Gh shadow card words', 'Vx7Dm direct shadow words'],
    },
  },
  {
    name: 'masks elements inside an open shadow root that are marked data-veil="mask" or match the mask option',
    html: `<acct-box></acct-box>${shadowElement(
      'acct-box',
      '<p>header</p><div data-veil="mask"><p>VxShMask6Tq2</p><span title="VxShMaskT4Rb">t</span><input id="i" type="text"></div>' +
        '<p class="secret-note">VxShOpt4Rd7</p>',
    )}`,
    options: { mask: ['.secret-note'] },
    steps: typeInto('acct-box #i', 'VxShMaskIn8Lw'),
    canaries: ['VxShMask6Tq2', 'VxShMaskT4Rb', 'VxShMaskIn8Lw', 'VxShOpt4Rd7'],
  },
  {
    name: 'masks the shadow content of hosts inside a masked region: elements, direct text, comments, nested roots, typed input',
    html: `<div data-veil="mask"><user-card></user-card><raw-host></raw-host><outer-host></outer-host></div>${shadowElement(
      'user-card',
      '<p>VxShHost3Lm7</p><span title="VxShHostT5Jq">t</span><input id="i" type="text">',
    )}<script>
      customElements.define('raw-host', class extends HTMLElement {
        constructor() { super(); const r = this.attachShadow({ mode: 'open' });
          r.append('VxShDirect2Pf'); r.append(document.createComment('VxShCmt8Nb4')); }
      });
      customElements.define('inner-host', class extends HTMLElement {
        constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<p>VxShNest9Cq4</p>'; }
      });
      customElements.define('outer-host', class extends HTMLElement {
        constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<section><inner-host></inner-host></section>'; }
      });</script>`,
    steps: typeInto('user-card #i', 'VxShHostIn7Wr'),
    canaries: ['VxShHost3Lm7', 'VxShHostT5Jq', 'VxShHostIn7Wr', 'VxShDirect2Pf', 'VxShCmt8Nb4', 'VxShNest9Cq4'],
  },
  {
    name: 'masks shadow content changed after start under a masked host, and a shadow root attached after start in a masked region',
    html: `<div data-veil="mask" id="box"><live-host id="h"></live-host></div>${shadowElement('live-host', '<p id="p">x</p>')}`,
    steps: run(() => {
      const root = document.getElementById('h')!.shadowRoot!;
      root.getElementById('p')!.textContent = 'VxShLater5Gz';
      root.appendChild(document.createElement('b')).textContent = 'VxShLaterN3Pk';
      root.append('VxShLaterD8Wf');
      const host = document.createElement('div');
      document.getElementById('box')!.appendChild(host);
      host.attachShadow({ mode: 'open' }).innerHTML = '<p>VxShNew3Hy6</p>';
    }),
    canaries: ['VxShLater5Gz', 'VxShLaterN3Pk', 'VxShLaterD8Wf', 'VxShNew3Hy6'],
  },
  {
    name: 'never records a password typed into a shadow-root field that was toggled to text before start',
    html: `<pw-box id="h"></pw-box>${shadowElement('pw-box', '<input id="pw" type="password"><button id="show" type="button">show</button>')}`,
    before: seq(typeInto('pw-box #pw', 'VxShPreTgA4Rm'), (page) =>
      page.evaluate(() => {
        (document.getElementById('h')!.shadowRoot!.getElementById('pw') as HTMLInputElement).type = 'text';
      }),
    ),
    steps: typeInto('pw-box #pw', 'VxShPreTgB7Wc'),
    canaries: ['VxShPreTgA4Rm', 'VxShPreTgB7Wc'],
  },
  {
    // the memory listens for typing on documents only: focus and input events
    // are composed, so typing in a root inside a root reaches them too
    name: 'never records a password typed into a shadow root nested in another before start, then toggled to text',
    html: `<outer-box id="h"></outer-box><script>
      customElements.define('inner-pw', class extends HTMLElement {
        constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<input id="pw" type="password">'; }
      });
      customElements.define('outer-box', class extends HTMLElement {
        constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<inner-pw id="in"></inner-pw>'; }
      });</script>`,
    before: seq(typeInto('outer-box inner-pw #pw', 'VxShNestPw3Tq'), (page) =>
      page.evaluate(() => {
        const inner = document.getElementById('h')!.shadowRoot!.getElementById('in')!.shadowRoot!;
        (inner.getElementById('pw') as HTMLInputElement).type = 'text';
      }),
    ),
    steps: typeInto('outer-box inner-pw #pw', 'VxShNestPw8Hm'),
    canaries: ['VxShNestPw3Tq', 'VxShNestPw8Hm'],
  },
  {
    // no focus, no typing: a script (a password manager, a framework) set it
    name: 'never records a password set by script in an anonymous shadow-root field and toggled to text before start',
    html: `<pw-box id="h"></pw-box>${shadowElement('pw-box', '<input class="a" type="password">')}`,
    before: (page) =>
      page.evaluate(() => {
        const field = document.getElementById('h')!.shadowRoot!.querySelector('.a') as HTMLInputElement;
        field.value = 'VxShScriptPw5Lk';
        field.type = 'text';
      }),
    steps: typeInto('pw-box .a', 'VxShScriptPwB8'),
    canaries: ['VxShScriptPw5Lk', 'VxShScriptPwB8'],
  },
  {
    name: 'masks a region inside a shadow root marked data-veil="mask" at run time: text, text-bearing attributes and values changed later',
    html: `<side-bar id="h"></side-bar>${shadowElement('side-bar', '<div id="d"><p id="p">public</p><input id="q" type="text" name="note"></div>')}`,
    steps: seq(
      run(() => {
        document.getElementById('h')!.shadowRoot!.getElementById('d')!.setAttribute('data-veil', 'mask');
      }),
      run(() => {
        const root = document.getElementById('h')!.shadowRoot!;
        root.getElementById('p')!.setAttribute('title', 'VxShMskLateT4');
        root.getElementById('p')!.textContent = 'VxShMskLate2Bn';
        root.getElementById('q')!.setAttribute('value', 'VxShMskLateV6');
      }),
    ),
    canaries: ['VxShMskLateT4', 'VxShMskLate2Bn', 'VxShMskLateV6'],
  },
  {
    // the parser makes this shadow root: no attachShadow call to see, and it is
    // not there yet when the <script> build loads in the head
    name: 'never records a password set by script in a declarative shadow root and shown as text before start',
    html: `<pw-box id="h"><template shadowrootmode="open"><input class="a" type="password"></template></pw-box>`,
    before: (page) =>
      page.evaluate(() => {
        const field = document.getElementById('h')!.shadowRoot!.querySelector('.a') as HTMLInputElement;
        field.value = 'VxDsdScript6Rk';
        field.type = 'text';
      }),
    canaries: ['VxDsdScript6Rk'],
  },
  {
    name: 'never records a region blocked at run time in a shadow root attached after start, nor in a frame added after start',
    html: `<div id="host"></div><div id="box"></div>`,
    files: { '/late.html': FRAME('<div id="d"><p id="p">late frame</p></div>') },
    steps: seq(
      run(() => {
        document.getElementById('host')!.attachShadow({ mode: 'open' }).innerHTML = '<div id="d"><p id="p">late shadow</p></div>';
        const f = document.createElement('iframe');
        f.id = 'late';
        f.src = '/late.html';
        document.getElementById('box')!.appendChild(f);
      }),
      frameLoaded('#late', 'late frame'),
      // rrweb reports the frame's document after its load, in a task of its own
      (page) => page.waitForTimeout(200),
      run(() => {
        document.getElementById('host')!.shadowRoot!.getElementById('d')!.setAttribute('data-veil', 'block');
        (document.getElementById('late') as HTMLIFrameElement).contentDocument!.getElementById('d')!.setAttribute('data-veil', 'block');
      }),
      run(() => {
        document.getElementById('host')!.shadowRoot!.getElementById('p')!.setAttribute('title', 'VxLateShBlk4Nd');
        (document.getElementById('late') as HTMLIFrameElement)
          .contentDocument!.getElementById('p')!
          .setAttribute('title', 'VxLateIfBlk8Qr');
      }),
    ),
    canaries: ['VxLateShBlk4Nd', 'VxLateIfBlk8Qr'],
  },
  {
    name: 'never records a region blocked at run time in a declarative shadow root, nor a password shown as text before start in a srcdoc frame',
    html: `<side-bar id="h"><template shadowrootmode="open"><div id="d"><p id="p">public</p></div></template></side-bar>
      <iframe id="s" srcdoc="<p>srcdoc ready</p><input class='a' type='password'>" width="300" height="80"></iframe>`,
    before: seq(frameLoaded('#s', 'srcdoc ready'), (page) =>
      page.evaluate(() => {
        const field = (document.getElementById('s') as HTMLIFrameElement).contentDocument!.querySelector('.a') as HTMLInputElement;
        field.value = 'VxSrcdocPw3Kt';
        field.type = 'text';
      }),
    ),
    steps: seq(
      run(() => {
        document.getElementById('h')!.shadowRoot!.getElementById('d')!.setAttribute('data-veil', 'block');
      }),
      run(() => {
        document.getElementById('h')!.shadowRoot!.getElementById('p')!.setAttribute('title', 'VxDsdBlkLate5Wm');
      }),
    ),
    canaries: ['VxSrcdocPw3Kt', 'VxDsdBlkLate5Wm'],
  },
  {
    name: 'masks an iframe inside the shadow root of a host in a masked region',
    html: `<div data-veil="mask"><frame-host id="h"></frame-host></div>${shadowElement(
      'frame-host',
      '<iframe id="f" src="/frame.html" width="300" height="80"></iframe>',
    )}`,
    files: { '/frame.html': FRAME('<p>VxShIfr5Kq2</p>') },
    before: (page) =>
      page.waitForFunction(() => {
        const f = document.getElementById('h')?.shadowRoot?.getElementById('f') as HTMLIFrameElement | null;
        return !!f?.contentDocument?.body?.textContent?.includes('VxShIfr5Kq2');
      }),
    canaries: ['VxShIfr5Kq2'],
  },
  {
    name: 'masks personal data in shadow-root text',
    html: `<pay-card></pay-card>${shadowElement('pay-card', `<p>vx.shadow.mail@vx-mail.net paid with ${CARDS.shadowText}</p>`)}`,
    canaries: ['vx.shadow.mail@vx-mail.net', CARDS.shadowText],
  },
  {
    name: 'never records a blocked shadow host, nor later changes to its shadow content',
    html: `<div style="width:200px"><chat-box id="h" data-veil="block" title="VxShBlkT6Ds"></chat-box></div>${shadowElement(
      'chat-box',
      '<p id="p">VxShBlk2Vm8</p><input id="i" type="text">',
    )}`,
    steps: seq(
      run(() => {
        const root = document.getElementById('h')!.shadowRoot!;
        root.getElementById('p')!.textContent = 'VxShBlkMut4Qc';
        root.getElementById('p')!.setAttribute('title', 'VxShBlkAt7Hn');
        root.appendChild(document.createElement('b')).textContent = 'VxShBlkAdd3Rj';
      }),
      typeInto('chat-box #i', 'VxShBlkIn5Tx'),
    ),
    canaries: ['VxShBlkT6Ds', 'VxShBlk2Vm8', 'VxShBlkMut4Qc', 'VxShBlkAt7Hn', 'VxShBlkAdd3Rj', 'VxShBlkIn5Tx'],
  },
  {
    name: 'never records a blocked region inside a shadow root, nor later changes to it',
    html: `<side-bar id="h"></side-bar>${shadowElement('side-bar', '<div data-veil="block" id="b"><p id="p">VxShInBlk8Lq</p></div>')}`,
    steps: run(() => {
      const root = document.getElementById('h')!.shadowRoot!;
      root.getElementById('p')!.textContent = 'VxShInBlkM3';
      root.getElementById('b')!.insertAdjacentHTML('beforeend', '<i>VxShInBlkN6</i>');
    }),
    canaries: ['VxShInBlk8Lq', 'VxShInBlkM3', 'VxShInBlkN6'],
  },
  {
    // rrweb reports neither the attribute that blocks an element nor, after
    // it, changes of the element itself, but it does report changes deeper
    // inside: the scrubber must know of the block from elsewhere
    name: 'never records a region inside a shadow root after data-veil="block" was set on it at run time',
    html: `<side-bar id="h"></side-bar>${shadowElement('side-bar', '<div id="d"><p id="p">public</p><input id="c" type="checkbox"></div>')}`,
    steps: seq(
      run(() => {
        document.getElementById('h')!.shadowRoot!.getElementById('d')!.setAttribute('data-veil', 'block');
      }),
      run(() => {
        const root = document.getElementById('h')!.shadowRoot!;
        root.getElementById('p')!.setAttribute('title', 'VxShBlkLateT5');
        root.getElementById('p')!.textContent = 'VxShBlkLate8Kc';
        root.getElementById('c')!.setAttribute('value', 'VxShBlkLateV2');
        root.getElementById('d')!.insertAdjacentHTML('beforeend', '<b>VxShBlkLateN7</b>');
      }),
    ),
    canaries: ['VxShBlkLateT5', 'VxShBlkLate8Kc', 'VxShBlkLateV2', 'VxShBlkLateN7'],
  },
  {
    // Light-DOM children of a host are shown where their slot is, so they
    // take its protection although their DOM ancestors have none.
    name: 'masks light-DOM content slotted into a masked region of a shadow root (default and named slots), at start and changed later',
    html: `<pro-card id="c"><h2 slot="head">VxSlotPublic4Hd</h2><p id="p" title="VxSlotTtl7Qm">VxSlotText3Rw</p>VxSlotDirect8Lp<span slot="more">VxSlotNamed5Zc</span><input id="i" type="text"></pro-card>${shadowElement(
      'pro-card',
      '<header><slot name="head"></slot></header><div data-veil="mask"><slot></slot><p><slot name="more"></slot></p></div>',
    )}`,
    steps: seq(
      typeInto('#i', 'VxSlotTyped2Gn'),
      run(() => {
        const card = document.getElementById('c')!;
        document.getElementById('p')!.textContent = 'VxSlotLater6Jb';
        document.getElementById('p')!.setAttribute('title', 'VxSlotLaterT9');
        card.append('VxSlotLaterD3');
        card.insertAdjacentHTML('beforeend', '<em slot="more" title="VxSlotAddT5Kq">VxSlotAdded4Wd</em>');
      }),
    ),
    canaries: [
      'VxSlotTtl7Qm',
      'VxSlotText3Rw',
      'VxSlotDirect8Lp',
      'VxSlotNamed5Zc',
      'VxSlotTyped2Gn',
      'VxSlotLater6Jb',
      'VxSlotLaterT9',
      'VxSlotLaterD3',
      'VxSlotAddT5Kq',
      'VxSlotAdded4Wd',
    ],
    mustRecord: { balanced: ['VxSlotPublic4Hd'], relaxed: ['VxSlotPublic4Hd'] },
  },
  {
    name: 'never records light-DOM content slotted into a blocked region of a shadow root, nor later changes to it',
    html: `<div style="width:300px"><pro-panel id="c"><b slot="head">VxSlotOpen6Tc</b><p id="p" title="VxSlotBlkT2Xs">VxSlotBlk7Fm</p>VxSlotBlkD4Nv<input id="i" type="text"></pro-panel></div>${shadowElement(
      'pro-panel',
      '<header><slot name="head"></slot></header><section data-veil="block"><slot></slot></section>',
    )}`,
    steps: seq(
      typeInto('#i', 'VxSlotBlkIn3Hq'),
      run(() => {
        document.getElementById('p')!.textContent = 'VxSlotBlkM8Rd';
        document.getElementById('p')!.setAttribute('title', 'VxSlotBlkMT5');
        document.getElementById('c')!.insertAdjacentHTML('beforeend', '<i title="VxSlotBlkAT6">VxSlotBlkA9Pe</i>');
      }),
    ),
    canaries: [
      'VxSlotBlkT2Xs',
      'VxSlotBlk7Fm',
      'VxSlotBlkD4Nv',
      'VxSlotBlkIn3Hq',
      'VxSlotBlkM8Rd',
      'VxSlotBlkMT5',
      'VxSlotBlkAT6',
      'VxSlotBlkA9Pe',
    ],
    mustRecord: { balanced: ['VxSlotOpen6Tc'], relaxed: ['VxSlotOpen6Tc'] },
  },
  {
    // Recorded in clear while the host had no shadow root, the light-DOM
    // content is shown in a masked slot once one is attached: the replay must
    // not go on showing it there, so the page is recorded afresh.
    name: 'records the page afresh when a shadow root attached later shows recorded light-DOM content in a masked or blocked slot',
    html: `<late-card id="c">VxLateHostDir2Wm <p title="VxLateHostT4Rq">VxLateHost7Kd</p></late-card>
      <late-panel id="b">VxLateHostBlk5Pn</late-panel><p>VxLateHostOpen3Zs</p>`,
    steps: seq(
      run(() => {
        document.getElementById('c')!.attachShadow({ mode: 'open' }).innerHTML = '<div data-veil="mask"><slot></slot></div>';
        // a component library renders its shadow root in a microtask
        const root = document.getElementById('b')!.attachShadow({ mode: 'open' });
        queueMicrotask(() => {
          root.innerHTML = '<div data-veil="block"><slot></slot></div>';
        });
      }),
      run(() => {
        (document.getElementById('c')!.firstChild as Text).data = 'VxLateHostNew8Jc';
      }),
    ),
    canaries: ['VxLateHostNew8Jc'],
    mustRecord: { balanced: ['VxLateHostOpen3Zs'], relaxed: ['VxLateHostOpen3Zs'] },
    check: (rec, mode, expect) => {
      const lastSnapshot = rec.events.map((e) => e.type).lastIndexOf(EventType.FullSnapshot);
      const fromThen = JSON.stringify(rec.events.slice(lastSnapshot));
      for (const early of ['VxLateHost7Kd', 'VxLateHostT4Rq', 'VxLateHostDir2Wm', 'VxLateHostBlk5Pn']) {
        expect(fromThen, `${early} is not on the page recorded afresh`).not.toContain(early);
      }
      if (mode !== 'strict') {
        expect(JSON.stringify(rec.events.slice(0, lastSnapshot)), 'recorded in clear before the shadow root').toContain('VxLateHost7Kd');
        expect(fromThen, 'the open text is still recorded').toContain('VxLateHostOpen3Zs');
      }
    },
  },
  {
    // rrweb sends checkbox and radio events without asking the capture layer:
    // the scrubber alone decides them, by asking which slot shows the field
    name: 'masks controls slotted into a masked region: checkbox value and choice, select, contenteditable',
    html: `<pay-box><input type="checkbox" id="c" value="VxSlotCb4Pw"><select id="s"><option>a</option><option value="VxSlotSel7Qe">VxSlotOpt7Qe</option></select><div contenteditable="true" id="ce">x</div></pay-box>${shadowElement(
      'pay-box',
      '<div data-veil="mask"><slot></slot></div>',
    )}`,
    steps: async (page) => {
      await page.click('#c');
      await page.selectOption('#s', 'VxSlotSel7Qe');
      await page.click('#ce');
      await page.keyboard.type('VxSlotCe3Vn');
    },
    canaries: ['VxSlotCb4Pw', 'VxSlotSel7Qe', 'VxSlotOpt7Qe', 'VxSlotCe3Vn'],
    check: (rec, _mode, expect) => {
      const checked = rec.events.filter(
        (e) =>
          e.type === EventType.IncrementalSnapshot &&
          (e.data as { source?: number; isChecked?: boolean }).source === IncrementalSource.Input &&
          (e.data as { isChecked?: boolean }).isChecked,
      );
      expect(checked, 'the checkbox choice').toEqual([]);
    },
  },
  {
    // rrweb reports the document's changes before the new shadow root's content,
    // so neither layer has heard of the slots when the light child changes
    name: 'masks light-DOM content changed in the task that attached a shadow root showing it in a masked or blocked slot',
    html: `<div id="a"><p id="p">public one</p></div><div id="b"><p id="q">public two</p></div>`,
    steps: run(() => {
      document.getElementById('a')!.attachShadow({ mode: 'open' }).innerHTML = '<section data-veil="block"><slot></slot></section>';
      document.getElementById('p')!.textContent = 'VxSlotSame8Rk';
      document.getElementById('p')!.setAttribute('title', 'VxSlotSameT3');
      document.getElementById('b')!.attachShadow({ mode: 'open' }).innerHTML = '<i>open</i><div data-veil="mask"><slot></slot></div>';
      document.getElementById('q')!.textContent = 'VxSlotSame5Mw';
      document.getElementById('q')!.setAttribute('title', 'VxSlotSameT7');
    }),
    canaries: ['VxSlotSame8Rk', 'VxSlotSameT3', 'VxSlotSame5Mw', 'VxSlotSameT7'],
  },
  {
    name: 'masks light-DOM content slotted into a masked region of a declarative shadow root, and of a shadow root attached in a frame',
    html: `<div><template shadowrootmode="open"><div data-veil="mask"><slot></slot></div></template><p title="VxSlotDsdT3">VxSlotDsd7Wq</p></div>
      <iframe id="f" srcdoc="<div id=a><p id=p>public</p></div>"></iframe>`,
    steps: seq(
      (page) =>
        page.waitForFunction(() => (document.getElementById('f') as HTMLIFrameElement).contentDocument?.getElementById('p') != null),
      run(() => {
        const doc = (document.getElementById('f') as HTMLIFrameElement).contentDocument!;
        doc.getElementById('a')!.attachShadow({ mode: 'open' }).innerHTML = '<div data-veil=mask><slot></slot></div>';
        doc.getElementById('p')!.textContent = 'VxSlotFr4Kd';
        doc.getElementById('p')!.setAttribute('title', 'VxSlotFrT8');
      }),
    ),
    canaries: ['VxSlotDsdT3', 'VxSlotDsd7Wq', 'VxSlotFr4Kd', 'VxSlotFrT8'],
  },
  {
    name: 'applies the mask and block options to light-DOM content shown in a slot they match around',
    html: `<pro-box><p title="VxSlotOptT3">VxSlotOpt8Dw</p><b slot="v">VxSlotOptB5Kc</b></pro-box>${shadowElement(
      'pro-box',
      '<div class="quiet"><slot></slot></div><div class="vault"><slot name="v"></slot></div>',
    )}`,
    options: { mask: ['.quiet'], block: ['.vault'] },
    canaries: ['VxSlotOptT3', 'VxSlotOpt8Dw', 'VxSlotOptB5Kc'],
  },
  {
    name: 'masks light-DOM content after its slot is marked data-veil="mask" at run time, and after it moves into a masked slot',
    html: `<pro-tabs id="c"><p id="p">public</p><p id="q" slot="side">public too</p></pro-tabs>${shadowElement(
      'pro-tabs',
      '<div id="d"><slot></slot></div><div data-veil="mask"><slot name="secret"></slot></div><aside><slot name="side"></slot></aside>',
    )}`,
    steps: seq(
      run(() => {
        document.getElementById('c')!.shadowRoot!.getElementById('d')!.setAttribute('data-veil', 'mask');
        document.getElementById('q')!.setAttribute('slot', 'secret');
      }),
      run(() => {
        document.getElementById('p')!.textContent = 'VxSlotRt4Mz';
        document.getElementById('p')!.setAttribute('title', 'VxSlotRtT7');
        document.getElementById('q')!.textContent = 'VxSlotMv6Kp';
        document.getElementById('q')!.setAttribute('title', 'VxSlotMvT3');
      }),
    ),
    canaries: ['VxSlotRt4Mz', 'VxSlotRtT7', 'VxSlotMv6Kp', 'VxSlotMvT3'],
  },
];

// ---------------------------------------------------------------------------
// Same-origin iframes

const iframes: Scenario[] = [
  {
    name: 'never records a password typed into a same-origin iframe, nor a hidden or password value attribute there',
    html: `<iframe id="f" src="/frame.html" width="300" height="100"></iframe>`,
    files: {
      '/frame.html': FRAME(
        '<p>Vx frame login</p><form><input id="pw" type="password"><input type="hidden" value="VxIfHid4Pz7"><input type="password" value="VxIfPwAt8Mc"></form>',
      ),
    },
    before: frameLoaded('#f', 'Vx frame login'),
    steps: typeInFrame('#f', '#pw', 'VxIfPw5Tn2q'),
    canaries: ['VxIfPw5Tn2q', 'VxIfHid4Pz7', 'VxIfPwAt8Mc'],
  },
  {
    name: 'never records a password typed into an iframe field that was toggled to text before start',
    html: `<iframe id="f" src="/frame.html" width="300" height="100"></iframe>`,
    files: { '/frame.html': FRAME('<p>Vx frame pw</p><input id="pw" type="password">') },
    before: seq(frameLoaded('#f', 'Vx frame pw'), typeInFrame('#f', '#pw', 'VxIfPreTgA6Ld'), (page) =>
      page.evaluate(() => {
        const doc = (document.getElementById('f') as HTMLIFrameElement).contentDocument!;
        (doc.getElementById('pw') as HTMLInputElement).type = 'text';
      }),
    ),
    steps: typeInFrame('#f', '#pw', 'VxIfPreTgB3Sv'),
    canaries: ['VxIfPreTgA6Ld', 'VxIfPreTgB3Sv'],
  },
  {
    // nothing in its name or id says password: only the memory of its type can
    name: 'never records a password typed into an anonymous iframe field toggled to text, before start or during recording',
    html: `<iframe id="f" src="/frame.html" width="300" height="100"></iframe>`,
    files: { '/frame.html': FRAME('<p>Vx frame pw</p><input class="a" type="password"><input class="b" type="password">') },
    before: seq(frameLoaded('#f', 'Vx frame pw'), typeInFrame('#f', '.a', 'VxIfAnonA4Rt'), (page) =>
      page.evaluate(() => {
        const doc = (document.getElementById('f') as HTMLIFrameElement).contentDocument!;
        (doc.querySelector('.a') as HTMLInputElement).type = 'text';
      }),
    ),
    steps: seq(
      typeInFrame('#f', '.a', 'VxIfAnonB7Wq'),
      typeInFrame('#f', '.b', 'VxIfAnonC2Kd'),
      (page) =>
        page.evaluate(() => {
          const doc = (document.getElementById('f') as HTMLIFrameElement).contentDocument!;
          (doc.querySelector('.b') as HTMLInputElement).type = 'text';
        }),
      typeInFrame('#f', '.b', 'VxIfAnonD9Mz'),
    ),
    canaries: ['VxIfAnonA4Rt', 'VxIfAnonB7Wq', 'VxIfAnonC2Kd', 'VxIfAnonD9Mz'],
  },
  {
    name: 'never records a password set by script in frames written by script, nested, or inside a shadow root, and shown as text before start',
    html: `<iframe id="w" width="300" height="80"></iframe><iframe id="outer" src="/outer.html" width="300" height="120"></iframe><frame-host id="h"></frame-host>${`<script>customElements.define('frame-host', class extends HTMLElement {
      constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<iframe id="sf" src="/frame.html" width="300" height="80"></iframe>'; }
    });</script>`}`,
    files: {
      '/outer.html': FRAME('<p>outer ready</p><iframe id="inner" src="/frame.html" width="280" height="80"></iframe>'),
      '/frame.html': FRAME('<p>frame ready</p><input class="a" type="password">'),
    },
    before: async (page) => {
      await page.evaluate(() => {
        const doc = (document.getElementById('w') as HTMLIFrameElement).contentDocument!;
        doc.open();
        doc.write('<!doctype html><body><p>written</p><input class="a" type="password"></body>');
        doc.close();
      });
      await page.waitForFunction(() => {
        const outer = (document.getElementById('outer') as HTMLIFrameElement).contentDocument;
        const inner = (outer?.getElementById('inner') as HTMLIFrameElement | null)?.contentDocument;
        const shadowFrame = (document.getElementById('h')!.shadowRoot!.getElementById('sf') as HTMLIFrameElement).contentDocument;
        return [inner, shadowFrame].every((d) => d?.readyState === 'complete' && d.querySelector('.a'));
      });
      await page.evaluate(() => {
        const outer = (document.getElementById('outer') as HTMLIFrameElement).contentDocument!;
        const docs = [
          (document.getElementById('w') as HTMLIFrameElement).contentDocument!,
          (outer.getElementById('inner') as HTMLIFrameElement).contentDocument!,
          (document.getElementById('h')!.shadowRoot!.getElementById('sf') as HTMLIFrameElement).contentDocument!,
        ];
        docs.forEach((doc, i) => {
          const field = doc.querySelector('.a') as HTMLInputElement;
          field.value = ['VxFrWritten4Hq', 'VxFrNested8Tc', 'VxFrInShadow2Vp'][i];
          field.type = 'text';
        });
      });
    },
    canaries: ['VxFrWritten4Hq', 'VxFrNested8Tc', 'VxFrInShadow2Vp'],
  },
  {
    name: 'records ordinary iframe text in balanced and relaxed and masks it in strict',
    html: `<iframe id="f" src="/frame.html" width="300" height="100"></iframe>`,
    files: { '/frame.html': FRAME('<p>Vx2Bq framed article text</p>') },
    before: frameLoaded('#f', 'Vx2Bq'),
    mustNotRecord: { strict: ['Vx2Bq framed article text'] },
    mustRecord: { balanced: ['Vx2Bq framed article text'], relaxed: ['Vx2Bq framed article text'] },
  },
  {
    name: 'masks the contents of an iframe marked data-veil="mask" and of an iframe inside a masked region',
    html: `<iframe id="f" data-veil="mask" src="/frame.html" width="300" height="100"></iframe>
      <div data-veil="mask"><iframe id="g" src="/other.html" width="300" height="100"></iframe></div>`,
    files: {
      '/frame.html': FRAME('<p>VxIfMask3Qb8</p><input id="i" type="text">'),
      '/other.html': FRAME('<p>VxIfInMask8Dh</p>'),
    },
    before: seq(frameLoaded('#f', 'VxIfMask3Qb8'), frameLoaded('#g', 'VxIfInMask8Dh')),
    steps: typeInFrame('#f', '#i', 'VxIfMaskIn6Hd'),
    canaries: ['VxIfMask3Qb8', 'VxIfMaskIn6Hd', 'VxIfInMask8Dh'],
  },
  {
    name: 'never records a region inside an iframe after data-veil="block" was set on it at run time',
    html: `<iframe id="f" src="/frame.html" width="300" height="100"></iframe>`,
    files: { '/frame.html': FRAME('<div id="d"><p id="p">ready</p><input id="c" type="checkbox"></div>') },
    before: frameLoaded('#f', 'ready'),
    steps: seq(
      run(() => {
        (document.getElementById('f') as HTMLIFrameElement).contentDocument!.getElementById('d')!.setAttribute('data-veil', 'block');
      }),
      run(() => {
        const doc = (document.getElementById('f') as HTMLIFrameElement).contentDocument!;
        doc.getElementById('p')!.setAttribute('title', 'VxIfBlkLateT3');
        doc.getElementById('p')!.textContent = 'VxIfBlkLate6Wd';
        doc.getElementById('c')!.setAttribute('value', 'VxIfBlkLateV8');
        doc.getElementById('d')!.insertAdjacentHTML('beforeend', '<b>VxIfBlkLateN1</b>');
      }),
    ),
    canaries: ['VxIfBlkLateT3', 'VxIfBlkLate6Wd', 'VxIfBlkLateV8', 'VxIfBlkLateN1'],
  },
  {
    name: 'masks content changed after start inside an iframe in a masked region',
    html: `<div data-veil="mask"><iframe id="f" src="/frame.html" width="300" height="100"></iframe></div>`,
    files: { '/frame.html': FRAME('<p id="p">ready</p>') },
    before: frameLoaded('#f', 'ready'),
    steps: run(() => {
      const doc = (document.getElementById('f') as HTMLIFrameElement).contentDocument!;
      doc.getElementById('p')!.textContent = 'VxIfMut6Hg3';
      doc.body.insertAdjacentHTML('beforeend', '<b title="VxIfMutT9Kd">b</b>');
    }),
    canaries: ['VxIfMut6Hg3', 'VxIfMutT9Kd'],
  },
  {
    name: 'masks an iframe added after start inside a masked region',
    html: `<div data-veil="mask" id="box"></div>`,
    files: { '/late.html': FRAME('<p>VxIfLate4Wm7</p>') },
    steps: seq(
      run(() => {
        const f = document.createElement('iframe');
        f.id = 'late';
        f.src = '/late.html';
        document.getElementById('box')!.appendChild(f);
      }),
      frameLoaded('#late', 'VxIfLate4Wm7'),
    ),
    canaries: ['VxIfLate4Wm7'],
  },
  {
    name: 'records an ordinary iframe added after start in balanced and relaxed',
    html: `<div id="box"></div>`,
    files: { '/late.html': FRAME('<p>Vx6Rw late frame words</p>') },
    steps: seq(
      run(() => {
        const f = document.createElement('iframe');
        f.id = 'late';
        f.src = '/late.html';
        document.getElementById('box')!.appendChild(f);
      }),
      frameLoaded('#late', 'Vx6Rw'),
    ),
    mustNotRecord: { strict: ['Vx6Rw late frame words'] },
    mustRecord: { balanced: ['Vx6Rw late frame words'], relaxed: ['Vx6Rw late frame words'] },
  },
  {
    name: 'masks an iframe in a masked region that navigates to a new page after start',
    html: `<div data-veil="mask"><iframe id="f" src="/one.html" width="300" height="100"></iframe></div>`,
    files: { '/one.html': FRAME('<p>first</p>'), '/two.html': FRAME('<p>VxIfNav4Lq8</p>') },
    before: frameLoaded('#f', 'first'),
    steps: seq(
      run(() => {
        (document.getElementById('f') as HTMLIFrameElement).src = '/two.html';
      }),
      frameLoaded('#f', 'VxIfNav4Lq8'),
    ),
    canaries: ['VxIfNav4Lq8'],
  },
  {
    name: 'never records the contents of a blocked iframe, nor later changes and input in it',
    html: `<iframe id="f" data-veil="block" src="/frame.html" width="300" height="100"></iframe>`,
    files: { '/frame.html': FRAME('<p id="p">VxIfBlk7Kc2</p><input id="i" type="text">') },
    before: frameLoaded('#f', 'VxIfBlk7Kc2'),
    steps: seq(
      run(() => {
        const doc = (document.getElementById('f') as HTMLIFrameElement).contentDocument!;
        doc.getElementById('p')!.textContent = 'VxIfBlkMut5Tw';
      }),
      typeInFrame('#f', '#i', 'VxIfBlkIn3Ys'),
    ),
    canaries: ['VxIfBlk7Kc2', 'VxIfBlkMut5Tw', 'VxIfBlkIn3Ys'],
  },
  {
    name: 'applies the page policy inside an iframe: data-veil="mask", the mask option, detected personal data',
    html: `<iframe id="f" src="/frame.html" width="300" height="100"></iframe>`,
    files: {
      '/frame.html': FRAME(
        `<p>top</p><div data-veil="mask"><p>VxIfInner2Jr</p></div><p class="acct-holder">VxIfOpt8Rn4</p>` +
          `<p>vx.frame.mail@vx-mail.net ${CARDS.frameText}</p>`,
      ),
    },
    options: { mask: ['.acct-holder'] },
    before: frameLoaded('#f', 'VxIfOpt8Rn4'),
    canaries: ['VxIfInner2Jr', 'VxIfOpt8Rn4', 'vx.frame.mail@vx-mail.net', CARDS.frameText],
  },
  {
    name: 'masks a srcdoc iframe inside a masked region and an iframe nested inside a masked iframe',
    html: `<div data-veil="mask"><iframe id="s" srcdoc="&lt;p&gt;VxIfSrcdoc5Mp&lt;/p&gt;" width="300" height="100"></iframe></div>
      <iframe id="f" data-veil="mask" src="/outer.html" width="300" height="150"></iframe>`,
    files: {
      '/outer.html': FRAME('<p>outer</p><iframe id="g" src="/inner.html" width="200" height="60"></iframe>'),
      '/inner.html': FRAME('<p>VxIfNest3Zt6</p>'),
    },
    before: seq(frameLoaded('#s', 'VxIfSrcdoc5Mp'), (page) =>
      page.waitForFunction(() => {
        const outer = (document.getElementById('f') as HTMLIFrameElement).contentDocument;
        const inner = (outer?.getElementById('g') as HTMLIFrameElement | null)?.contentDocument;
        return !!inner?.body?.textContent?.includes('VxIfNest3Zt6');
      }),
    ),
    canaries: ['VxIfSrcdoc5Mp', 'VxIfNest3Zt6'],
  },
];

// ---------------------------------------------------------------------------
// URLs

const urls: Scenario[] = [
  {
    name: 'scrubs a token from the page URL and keeps the rest of the query',
    path: '/reset?token=VxUrlTok4Kq9&step=2',
    html: `<p>Choose a new password</p>`,
    canaries: ['VxUrlTok4Kq9'],
    mustRecord: { strict: ['step=2'], balanced: ['step=2'], relaxed: ['step=2'] },
  },
  {
    name: 'scrubs an access_token in the page URL fragment',
    path: '/callback#access_token=VxFragTok7Lm&token_type=bearer',
    html: `<p>Signing you in</p>`,
    canaries: ['VxFragTok7Lm'],
  },
  {
    name: 'scrubs an e-mail address from the page URL',
    path: '/account?email=vx.url.mail%40vx-mail.net&tab=orders',
    html: `<p>Orders</p>`,
    canaries: ['vx.url.mail@vx-mail.net'],
  },
  {
    name: 'scrubs secrets from the page URL after pushState, replaceState and a hash change',
    html: `<p>Orders</p>`,
    steps: async (page) => {
      await page.evaluate(() => history.pushState({}, '', '/orders?session=VxPushSess5Hr&email=vx.push.mail%40vx-mail.net'));
      await page.waitForTimeout(50);
      await page.evaluate(() => history.replaceState({}, '', '/orders#id_token=VxReplId3Tg6'));
      await page.waitForTimeout(50);
      await page.evaluate(() => {
        location.hash = '#code=VxHashCode8Pd';
      });
      await page.waitForTimeout(50);
      await page.evaluate(() => history.pushState({}, '', '/users/vx.pathnav.mail@vx-mail.net/orders'));
    },
    unreachable: {
      canaries: ['VxPushSess5Hr', 'vx.push.mail@vx-mail.net', 'VxReplId3Tg6', 'VxHashCode8Pd', 'vx.pathnav.mail@vx-mail.net'],
      why: 'plain rrweb records no navigation; this checks the navigation events the core adds',
    },
    canaries: ['VxPushSess5Hr', 'vx.push.mail@vx-mail.net', 'VxReplId3Tg6', 'VxHashCode8Pd', 'vx.pathnav.mail@vx-mail.net'],
  },
  {
    name: 'scrubs secret query parameters in link hrefs and keeps the path',
    html:
      [
        ['token', 'VxHrTok5Dd2'],
        ['access_token', 'VxHrAcc8Qw3'],
        ['refresh_token', 'VxHrRef2Lm7'],
        ['id_token', 'VxHrIdt6Pk4'],
        ['code', 'VxHrCode3Zn'],
        ['password', 'VxHrPass9Fj'],
        ['secret', 'VxHrSec4Tb8'],
        ['key', 'VxHrKey7Gw2'],
        ['api_key', 'VxHrApi5Rc6'],
        ['API_KEY', 'VxHrApiUp3Hs'],
        ['auth', 'VxHrAuth8Nq'],
        ['session', 'VxHrSess2Vy'],
        ['sid', 'VxHrSid6Kt9'],
        ['signature', 'VxHrSig4Mw7'],
      ]
        .map(([k, v]) => `<a href="/verify?lang=en&${k}=${v}">${k}</a>`)
        .join(' ') + ' <a href="/verify#access_token=VxHrFrag7Cz4&state=1">fragment</a>',
    canaries: [
      'VxHrTok5Dd2',
      'VxHrAcc8Qw3',
      'VxHrRef2Lm7',
      'VxHrIdt6Pk4',
      'VxHrCode3Zn',
      'VxHrPass9Fj',
      'VxHrSec4Tb8',
      'VxHrKey7Gw2',
      'VxHrApi5Rc6',
      'VxHrApiUp3Hs',
      'VxHrAuth8Nq',
      'VxHrSess2Vy',
      'VxHrSid6Kt9',
      'VxHrSig4Mw7',
      'VxHrFrag7Cz4',
    ],
    mustRecord: { strict: ['/verify'], balanced: ['/verify'], relaxed: ['/verify'] },
  },
  {
    name: 'scrubs e-mail addresses in hrefs (query, path, mailto) and credentials in the user-info part',
    html: `<a href="/invite?email=vx.href.mail%40vx-mail.net">a</a> <a href="/users/vx.path.mail@vx-mail.net/profile">b</a>
      <a href="mailto:vx.mailto@vx-mail.net">c</a> <a href="https://vxuser:VxUserInfo6Pw@files.example.net/export.csv">d</a>`,
    canaries: ['vx.href.mail@vx-mail.net', 'vx.path.mail@vx-mail.net', 'vx.mailto@vx-mail.net', 'VxUserInfo6Pw'],
  },
  {
    name: 'scrubs secret parameters in a form action, and in an href and an action set after start',
    html: `<form id="f" action="/submit?session=VxAction4Gm8&step=1" method="post"><input name="q"></form><a id="a" href="/start">link</a>`,
    steps: run(() => {
      document.getElementById('f')!.setAttribute('action', '/submit?sid=VxActLate7Rq');
      document.getElementById('a')!.setAttribute('href', '/confirm?token=VxHrLate5Wk3');
    }),
    canaries: ['VxAction4Gm8', 'VxActLate7Rq', 'VxHrLate5Wk3'],
  },
  {
    name: 'scrubs secret parameters in src attributes (script, iframe, img, source)',
    html: `<script src="/app.js?key=VxSrcScr3Hd7"></script><iframe src="/frame.html?auth=VxSrcIfr6Lt2" width="40" height="20"></iframe>
      <img src="/img.png?api_key=VxSrcImg8Bn4" width="2" height="2"><video width="20" height="20"><source src="/clip.mp4?signature=VxSrcVid5Qe"></video>`,
    files: { '/frame.html': FRAME('<p>f</p>') },
    unreachable: { canaries: ['VxSrcIfr6Lt2'], why: 'rrweb replaces the src of a same-origin iframe it serializes' },
    canaries: ['VxSrcScr3Hd7', 'VxSrcIfr6Lt2', 'VxSrcImg8Bn4', 'VxSrcVid5Qe'],
  },
  {
    name: 'scrubs secret parameters in every srcset candidate',
    html: `<img srcset="/a.png?token=VxSet1Tok5Hr 1x, /b.png?signature=VxSet2Sig8Lp 2x" src="/a.png" width="2" height="2">
      <picture><source srcset="/c.png?sid=VxSet3Sid4Wz 480w, /d.png?refresh_token=VxSet4Ref6Nc 800w" type="image/png"><img src="/c.png" width="2" height="2"></picture>`,
    canaries: ['VxSet1Tok5Hr', 'VxSet2Sig8Lp', 'VxSet3Sid4Wz', 'VxSet4Ref6Nc'],
  },
  {
    name: 'scrubs secret parameters in a stylesheet link, a <style> element and CSS url() of a style attribute',
    html: `<div style="width:10px;height:10px;background-image:url('/bg.png?token=VxCssTok7Fq3')"></div><p class="hero">x</p>`,
    head:
      `<link rel="stylesheet" href="/site.css?signature=VxLinkSig2Db6">` +
      `<style>.hero { background: url("/hero.png?access_token=VxStyleTok4Mh"); }</style>`,
    unreachable: { canaries: ['VxLinkSig2Db6'], why: 'rrweb inlines a loaded stylesheet and drops its href' },
    canaries: ['VxCssTok7Fq3', 'VxLinkSig2Db6', 'VxStyleTok4Mh'],
  },
  {
    name: 'scrubs secret parameters in less common URL attributes (formaction, poster, data, ping, cite, area href, input image src, meta refresh)',
    html: `<form><button formaction="/pay?session=VxFmAct5Rt2">pay</button><input type="image" src="/go.png?token=VxInpImg8Lc" alt="go"></form>
      <video width="20" height="20" poster="/poster.png?signature=VxPoster3Jw"></video>
      <object data="/doc.svg?auth=VxObjData6Nd" width="10" height="10"></object>
      <a href="/plain" ping="/track?sid=VxPing4Bz7">ping</a><blockquote cite="/src?key=VxCite9Fq">q</blockquote>
      <img usemap="#m" src="/m.png" width="4" height="4"><map name="m"><area shape="rect" coords="0,0,4,4" href="/zone?code=VxArea2Hs" alt="z"></map>`,
    head: `<meta http-equiv="refresh" content="3600;url=/next?token=VxMetaRef7Gp">`,
    canaries: ['VxFmAct5Rt2', 'VxInpImg8Lc', 'VxPoster3Jw', 'VxObjData6Nd', 'VxPing4Bz7', 'VxCite9Fq', 'VxArea2Hs', 'VxMetaRef7Gp'],
  },
];

// ---------------------------------------------------------------------------
// Media

const media: Scenario[] = [
  {
    name: 'blocks images in strict mode (no alt, no src, present or added later) and records them in balanced',
    html: `<img id="im" alt="Vx8Yt product photo" src="/photo.png?v=VxImgPlain6Gk" width="20" height="20"><div id="g"></div>`,
    steps: run(() => {
      document.getElementById('g')!.innerHTML =
        '<img alt="Vx3Jq late photo" src="/late.png?v=VxImgLate4Rd" width="20" height="20">' +
        '<picture><source srcset="/p.png?v=VxPicLate7Wn 1x"><img src="/p.png" width="2" height="2"></picture>';
    }),
    mustNotRecord: { strict: ['Vx8Yt product photo', 'VxImgPlain6Gk', 'Vx3Jq late photo', 'VxImgLate4Rd', 'VxPicLate7Wn'] },
    mustRecord: { balanced: ['Vx8Yt product photo', 'VxImgPlain6Gk', 'VxImgLate4Rd'], relaxed: ['Vx8Yt product photo'] },
  },
  {
    name: 'blocks video and canvas in strict mode',
    html: `<video width="40" height="30" poster="/poster.png?v=VxVidPost3Kh" src="/movie.mp4?v=VxVidSrc8Tm" title="Vx5Hb clip title"></video>
      <canvas id="c" width="60" height="20" data-chart="VxCanvasAt6Rm"></canvas>`,
    steps: run(() => {
      const ctx = (document.getElementById('c') as HTMLCanvasElement).getContext('2d')!;
      ctx.fillText('chart', 2, 10);
    }),
    mustNotRecord: { strict: ['VxVidPost3Kh', 'VxVidSrc8Tm', 'Vx5Hb clip title', 'VxCanvasAt6Rm'] },
  },
];

export const structureScenarios = { shadow, iframes, urls, media };
