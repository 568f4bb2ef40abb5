// In-page side of the overhead benchmark (a classic script, loaded by the
// bench page after the recorder's own <script>). Defines window.__bench.
// Nothing here asserts anything: it times and counts.
(() => {
  'use strict';

  /** mulberry32, same as lib/fixture.mjs. */
  function prng(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  let contender = null; // { start(), flush(): Promise, stop() }
  let received = []; // rrweb events, or Veil batches
  let isBatches = false;

  function setup(spec) {
    received = [];
    isBatches = false;
    if (spec.kind === 'none') {
      contender = { start() {}, async flush() {}, stop() {} };
    } else if (spec.kind === 'rrweb') {
      const record = window.rrwebRecord.record;
      let stopFn = null;
      contender = {
        start() {
          stopFn = record({
            ...spec.options,
            emit: (e) => {
              received.push(e);
            },
          });
        },
        async flush() {},
        stop() {
          if (stopFn) stopFn();
        },
      };
    } else if (spec.kind === 'veil') {
      isBatches = true;
      const recorder = window.Veil.createRecorder({
        ...spec.options,
        transport: (batch) => {
          received.push(batch);
        },
      });
      contender = {
        start() {
          recorder.start();
        },
        flush() {
          return recorder.flush();
        },
        stop() {
          recorder.stop();
        },
      };
    } else {
      throw new Error('unknown contender kind ' + spec.kind);
    }
    return { elements: document.getElementsByTagName('*').length };
  }

  const nextTask = () => new Promise((r) => setTimeout(r, 0));
  const nextFrame = () =>
    new Promise((r) => {
      // rAF may be throttled in some headless configurations: race a timeout.
      let done = false;
      const fin = () => {
        if (!done) {
          done = true;
          r();
        }
      };
      requestAnimationFrame(fin);
      setTimeout(fin, 50);
    });

  /** Workload (a): the recorder's start(), which takes the full snapshot synchronously. */
  async function snapshot() {
    const t0 = performance.now();
    contender.start();
    const t1 = performance.now();
    await contender.flush();
    const t2 = performance.now();
    return { startMs: t1 - t0, flushMs: t2 - t1 };
  }

  // ---------------------------------------------------------------- mutations
  const WORDS =
    'order shipping basket checkout delivery account product review price quantity discount return invoice customer support'.split(' ');

  function prepareMutations(seed, probes) {
    const rand = prng(seed);
    const pick = (arr) => arr[Math.floor(rand() * arr.length)];
    const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
    const main = document.querySelector('main');
    const regionOf = (node) => {
      const el = node.nodeType === 1 ? node : node.parentElement;
      const r = el && el.closest('[data-veil]');
      return r ? r.getAttribute('data-veil') : 'none';
    };
    const probeFor = (node) => {
      const r = regionOf(node);
      return r === 'mask' ? probes.mask : r === 'block' ? probes.block : probes.text;
    };
    const textNodes = [];
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.data.trim()) textNodes.push(n);
    const elements = Array.from(main.querySelectorAll('*')).filter((e) => !/^(INPUT|SELECT|OPTION|TEXTAREA)$/.test(e.tagName));
    const containers = Array.from(main.querySelectorAll('ul, ol, tbody, .grid, section, dl'));
    const removable = Array.from(main.querySelectorAll('li, p, tr, span.meta, .card'));
    // Password fields are left out of value changes: in Chromium, setting the
    // value of a password input forces a synchronous layout of the page (tens
    // of ms here), a cost of the page, not of the recorder, that would drown
    // what is measured. They are still in the snapshot, and added later.
    const inputs = Array.from(main.querySelectorAll('input:not([type=hidden]):not([type=date]):not([type=password]), textarea, select'));
    const added = [];
    const counts = { text: 0, attr: 0, add: 0, remove: 0, input: 0 };

    const connected = (arr, tries = 8) => {
      for (let i = 0; i < tries; i++) {
        const n = pick(arr);
        if (n && n.isConnected) return n;
      }
      return null;
    };

    function newChildFor(container) {
      const probe = probeFor(container);
      const tag = container.tagName;
      let node;
      if (tag === 'UL' || tag === 'OL') {
        node = document.createElement('li');
        const a = document.createElement('a');
        a.href = '/p/new?token=t' + Math.floor(rand() * 1e6);
        a.textContent = words(2);
        node.append(a, ' ' + words(2) + ' ' + probe);
      } else if (tag === 'TBODY') {
        node = document.createElement('tr');
        for (let i = 0; i < 6; i++) {
          const td = document.createElement('td');
          td.textContent = i === 1 && rand() < 0.2 ? 'new' + Math.floor(rand() * 1e4) + probes.email : words(1);
          node.append(td);
        }
      } else if (tag === 'DL') {
        node = document.createElement('dd');
        node.textContent = words(3) + ' ' + probe;
      } else if (rand() < 0.1) {
        node = document.createElement('label');
        const inp = document.createElement('input');
        inp.type = pick(['text', 'email', 'password', 'tel']);
        inp.value = inp.type === 'password' ? probes.password + 'new' : words(1);
        node.append(inp, ' ' + words(1));
        if (inp.type !== 'password') inputs.push(inp);
      } else {
        node = document.createElement('div');
        node.className = 'note';
        const p = document.createElement('p');
        p.textContent = words(5) + ' ' + probe;
        const s = document.createElement('span');
        s.title = words(2);
        s.textContent = words(1);
        node.append(p, s);
      }
      return node;
    }

    function op() {
      const r = rand();
      if (r < 0.3) {
        const n = connected(textNodes);
        if (!n) return false;
        n.data = rand() < 0.05 ? `mail ${Math.floor(rand() * 1e4)}${probes.email}` : words(3) + ' ' + probeFor(n);
        counts.text++;
      } else if (r < 0.55) {
        const e = connected(elements);
        if (!e) return false;
        const k = rand();
        if (k < 0.3) e.setAttribute('data-state', 's' + Math.floor(rand() * 100));
        else if (k < 0.5) e.classList.toggle('active');
        else if (k < 0.7) e.setAttribute('title', words(2) + ' ' + probeFor(e));
        else if (k < 0.85) e.setAttribute('aria-label', words(2));
        else e.style.opacity = (0.5 + rand() / 2).toFixed(2);
        counts.attr++;
      } else if (r < 0.7) {
        const c = connected(containers);
        if (!c) return false;
        const node = newChildFor(c);
        const ref = c.children.length && rand() < 0.5 ? c.children[Math.floor(rand() * c.children.length)] : null;
        c.insertBefore(node, ref);
        added.push(node);
        elements.push(node);
        if (node.firstChild && node.firstChild.nodeType === 3) textNodes.push(node.firstChild);
        counts.add++;
      } else if (r < 0.8) {
        let victim = null;
        if (added.length && rand() < 0.6) {
          const i = Math.floor(rand() * added.length);
          victim = added[i];
          added[i] = added[added.length - 1];
          added.pop();
          if (!victim.isConnected) victim = null;
        }
        if (!victim) victim = connected(removable);
        if (!victim) return false;
        victim.remove();
        counts.remove++;
      } else {
        const inp = connected(inputs);
        if (!inp) return false;
        if (inp.tagName === 'SELECT') {
          inp.selectedIndex = Math.floor(rand() * inp.options.length);
        } else if (inp.type === 'checkbox' || inp.type === 'radio') {
          inp.checked = !inp.checked;
        } else if (inp.type === 'email') {
          inp.value = 'typed' + Math.floor(rand() * 1e4) + probes.email;
        } else if (inp.type === 'tel' || inp.type === 'number') {
          inp.value = String(Math.floor(rand() * 1e9));
        } else {
          inp.value = words(2) + ' ' + probeFor(inp);
        }
        // Half like typing (an 'input' event), half like a framework setting .value.
        if (rand() < 0.5) inp.dispatchEvent(new Event('input', { bubbles: true }));
        counts.input++;
      }
      return true;
    }
    return { op, counts };
  }

  let workload = null;

  /** Workload (b), part 1 (not timed): pick the targets of the mutations. */
  function prepare({ seed, probes }) {
    workload = prepareMutations(seed, probes);
  }

  /**
   * Workload (b), part 2: `total` mutations after start, in batches of
   * `batch`. Each batch is timed from its first mutation until the
   * MutationObserver callbacks have run: they run in a microtask queued at the
   * first mutation, so before the continuation of `await null`. All batches
   * run in one task (microtask checkpoints between them, no rendering), then
   * `flush()` is timed, then one animation frame and one task let the browser
   * render once and the recorder run anything it deferred to a later task, so
   * that the CPU time the runner reads around this call covers all of it.
   */
  async function mutations({ total, batch }) {
    const w = workload;
    let ms = 0;
    let done = 0;
    let guard = 0;
    while (done < total) {
      const k = Math.min(batch, total - done);
      const t0 = performance.now();
      for (let i = 0; i < k;) {
        if (w.op()) i++;
        else if (++guard > total) throw new Error('workload ran out of targets');
      }
      await null;
      ms += performance.now() - t0;
      done += k;
    }
    const t1 = performance.now();
    await contender.flush();
    const flushMs = performance.now() - t1;
    await nextFrame();
    await nextTask();
    return { mutateMs: ms, flushMs, counts: w.counts };
  }

  /** Bytes and counts of what reached emit/transport since the last call; probe hits. */
  function takeOutput(probes) {
    const events = isBatches ? received.flatMap((b) => b.events) : received;
    const json = JSON.stringify(events);
    const bytes = new TextEncoder().encode(json).length;
    const hits = {};
    for (const [k, v] of Object.entries(probes)) {
      let n = 0;
      for (let i = json.indexOf(v); i !== -1; i = json.indexOf(v, i + v.length)) n++;
      hits[k] = n;
    }
    // type 2 = full snapshot: more than one in a phase means the recorder re-took it (a "checkout").
    const fullSnapshots = events.filter((e) => e.type === 2).length;
    // Events by rrweb type (and incremental source: 0 mutation, 5 input, …).
    const kinds = {};
    for (const e of events) {
      const k = e.type === 3 && e.data ? `3:${e.data.source}` : String(e.type);
      kinds[k] = (kinds[k] || 0) + 1;
    }
    const out = { events: events.length, fullSnapshots, kinds, bytes, hits, batches: isBatches ? received.length : null };
    received = [];
    return out;
  }

  /** Drops what was received, without counting it (rounds after the first). */
  function discardOutput() {
    const n = received.length;
    received = [];
    return n;
  }

  /** For debugging a contender by hand: the events received so far (not cleared). */
  function peekEvents() {
    return isBatches ? received.flatMap((b) => b.events) : received;
  }

  function stop() {
    contender.stop();
  }

  async function settle() {
    await nextFrame();
    await nextTask();
  }

  window.__bench = { setup, snapshot, prepare, settle, mutations, takeOutput, discardOutput, peekEvents, stop };
})();
