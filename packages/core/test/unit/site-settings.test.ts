// A site's settings and the page's options: the stricter wins, field by
// field, for every pair; and what the collector answers is read strictly.
import { describe, expect, it } from 'vitest';
import { EventType, IncrementalSource, SerializedNodeType, type RecordedEvent } from '../../src/engine/protocol';
import { createScrubber } from '../../src/engine/scrub';
import { readSiteSettings, stricterPolicy, type RecordingPolicy } from '../../src/engine/site-settings';
import { PRIVACY_MODES } from '../../src/engine/vocabulary';
import { createUrlTransport, fetchSiteSettings } from '../../src/transport/url-transport';

const page = (p: Partial<RecordingPolicy> = {}): RecordingPolicy => ({
  recording: true,
  privacy: 'relaxed',
  recordInputs: true,
  sampleRate: 1,
  ...p,
});
const site = (p: Partial<RecordingPolicy> = {}) => ({ v: 1 as const, ...page(p) });

describe('stricterPolicy: the stricter of the page and the site, field by field', () => {
  // most private first, as PRIVACY_MODES lists them
  const expectedMode = (a: number, b: number) => PRIVACY_MODES[Math.min(a, b)];

  it('privacy: every pair of page mode and site mode', () => {
    const table = PRIVACY_MODES.flatMap((pageMode, a) =>
      PRIVACY_MODES.map((siteMode, b) => [pageMode, siteMode, expectedMode(a, b)] as const),
    );
    expect(table).toHaveLength(9);
    for (const [pageMode, siteMode, expected] of table) {
      expect(stricterPolicy(page({ privacy: pageMode }), site({ privacy: siteMode })).privacy, `${pageMode} × ${siteMode}`).toBe(expected);
    }
  });

  it('recordInputs, recording: on only when both are on', () => {
    for (const a of [true, false]) {
      for (const b of [true, false]) {
        expect(stricterPolicy(page({ recordInputs: a }), site({ recordInputs: b })).recordInputs, `inputs ${a} × ${b}`).toBe(a && b);
        expect(stricterPolicy(page({ recording: a }), site({ recording: b })).recording, `recording ${a} × ${b}`).toBe(a && b);
      }
    }
  });

  it('sampleRate: the smaller of the two', () => {
    const rates = [0, 0.1, 0.5, 1];
    for (const a of rates)
      for (const b of rates) expect(stricterPolicy(page({ sampleRate: a }), site({ sampleRate: b })).sampleRate).toBe(Math.min(a, b));
  });

  it('one field of the site never loosens another of the page', () => {
    const out = stricterPolicy(
      page({ privacy: 'strict', recordInputs: false, sampleRate: 0.2 }),
      site({ privacy: 'relaxed', recordInputs: true, sampleRate: 1 }),
    );
    expect(out).toEqual({ recording: true, privacy: 'strict', recordInputs: false, sampleRate: 0.2 });
  });

  it('no settings: the page decides', () => {
    expect(stricterPolicy(page({ privacy: 'balanced' }), null)).toEqual(page({ privacy: 'balanced' }));
  });
});

describe('readSiteSettings', () => {
  it('reads a version-1 settings object', () => {
    expect(
      readSiteSettings({ v: 1, recording: false, privacy: 'balanced', recordInputs: false, sampleRate: 0.25, extra: 'ignored' }),
    ).toEqual({
      v: 1,
      recording: false,
      privacy: 'balanced',
      recordInputs: false,
      sampleRate: 0.25,
    });
  });

  it('refuses anything else, so that the page options stand', () => {
    const good = { v: 1, recording: true, privacy: 'strict', recordInputs: true, sampleRate: 1 };
    for (const bad of [
      null,
      'strict',
      [],
      { ...good, v: 2 },
      { ...good, privacy: 'paranoid' },
      { ...good, recording: 'no' },
      { ...good, recordInputs: 0 },
      { ...good, sampleRate: 1.5 },
      { ...good, sampleRate: Number.NaN },
      { ...good, sampleRate: '1' },
    ]) {
      expect(readSiteSettings(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe('scrubber with form-input recording off', () => {
  const snapshot = (): RecordedEvent => ({
    type: EventType.FullSnapshot,
    timestamp: 1,
    data: {
      initialOffset: { top: 0, left: 0 },
      node: {
        type: SerializedNodeType.Document,
        id: 1,
        childNodes: [
          {
            type: SerializedNodeType.Element,
            id: 2,
            tagName: 'html',
            attributes: {},
            childNodes: [
              {
                type: SerializedNodeType.Element,
                id: 3,
                tagName: 'body',
                attributes: {},
                childNodes: [
                  {
                    type: SerializedNodeType.Element,
                    id: 4,
                    tagName: 'input',
                    attributes: { value: 'SeededValue41', 'data-veil': 'unmask' },
                    childNodes: [],
                  },
                  {
                    type: SerializedNodeType.Element,
                    id: 5,
                    tagName: 'textarea',
                    attributes: {},
                    childNodes: [{ type: SerializedNodeType.Text, id: 6, textContent: 'TextareaWords52' }],
                  },
                  {
                    type: SerializedNodeType.Element,
                    id: 7,
                    tagName: 'p',
                    attributes: {},
                    childNodes: [{ type: SerializedNodeType.Text, id: 8, textContent: 'Public heading text' }],
                  },
                  {
                    type: SerializedNodeType.Element,
                    id: 9,
                    tagName: 'input',
                    attributes: { type: 'checkbox', checked: true },
                    childNodes: [],
                  },
                ],
              },
            ],
          },
        ],
      },
    },
  });
  const typed = (id: number, text: string, isChecked = false): RecordedEvent => ({
    type: EventType.IncrementalSnapshot,
    timestamp: 2,
    data: { source: IncrementalSource.Input, id, text, isChecked },
  });

  it('masks every input value in every mode, unmasked fields too, and keeps page text as the mode says', () => {
    for (const privacy of PRIVACY_MODES) {
      const s = createScrubber({ privacy, recordInputs: false });
      const out = JSON.stringify([s.scrub(snapshot()), s.scrub(typed(4, 'TypedLater63')), s.scrub(typed(9, '', true))]);
      expect(out, privacy).not.toMatch(/SeededValue41|TextareaWords52|TypedLater63|"isChecked":true|"checked":true/);
      if (privacy === 'relaxed') expect(out).toContain('Public heading text');
    }
  });

  it('records an unmasked value in relaxed mode when inputs are on (the same events)', () => {
    const s = createScrubber({ privacy: 'relaxed', recordInputs: true });
    const out = JSON.stringify([s.scrub(snapshot()), s.scrub(typed(4, 'TypedLater63'))]);
    expect(out).toContain('SeededValue41');
    expect(out).toContain('TypedLater63');
  });
});

describe('the URL transport and site settings', () => {
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const settings = { v: 1, recording: true, privacy: 'strict', recordInputs: false, sampleRate: 0.5 };

  it('reads the settings endpoint, and null for a receiver without one or on a network error', async () => {
    const asked: string[] = [];
    const fetch = (async (url: string) => {
      asked.push(url);
      return json(settings);
    }) as unknown as typeof globalThis.fetch;
    expect(await fetchSiteSettings('https://c.example/v1/settings?siteKey=k', { fetch })).toEqual(settings);
    expect(asked).toEqual(['https://c.example/v1/settings?siteKey=k']);
    expect(
      await fetchSiteSettings('x', { fetch: (async () => json({ error: 'no' }, 404)) as unknown as typeof globalThis.fetch }),
    ).toBeNull();
    expect(
      await fetchSiteSettings('x', { fetch: (async () => new Response('<html>', { status: 200 })) as unknown as typeof globalThis.fetch }),
    ).toBeNull();
    // what it hands over is read by the recorder: readSiteSettings refuses anything but version-1 settings
    expect(
      await fetchSiteSettings('x', {
        fetch: (async () => {
          throw new TypeError('offline');
        }) as unknown as typeof globalThis.fetch,
      }),
    ).toBeNull();
  });

  it('hears settings in ingest answers, a refusal included, and does not retry the refusal', async () => {
    const heard: unknown[] = [];
    const answers = [
      json({ ok: true, settings }),
      json({ error: 'recording is switched off for this site', settings: { ...settings, recording: false } }, 403),
    ];
    let requests = 0;
    const errors: unknown[] = [];
    const t = createUrlTransport(
      { url: 'https://c.example/v1/ingest?siteKey=k', siteKey: 'k' },
      {
        fetch: (async () => {
          requests++;
          return answers.shift()!;
        }) as unknown as typeof globalThis.fetch,
        onSettings: (s) => heard.push(s),
        report: (e) => errors.push(e),
      },
    );
    t.send({ v: 1, sessionId: 's', seq: 0, events: [] });
    await t.flush!();
    t.send({ v: 1, sessionId: 's', seq: 1, events: [] });
    await t.flush!();
    expect(heard).toEqual([settings, { ...settings, recording: false }]);
    expect(requests).toBe(2);
    expect(String(errors[0])).toMatch(/refused batch 1 with status 403/);
  });
});
