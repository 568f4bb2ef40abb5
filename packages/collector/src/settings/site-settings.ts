// A site's settings as its admins change them in the viewer, and as the
// recorder learns them (GET /v1/settings and the `settings` field of ingest
// answers; docs/protocol.md, protocol 1.2). Values are validated here, once,
// with messages that say what is accepted.
import { PRIVACY_MODES, SETTINGS_VERSION, isPrivacyMode, type PrivacyMode, type SiteSettings as CoreSiteSettings } from '@veil/core/engine';
import type { Site, SiteSettings } from '../storage/types';
import { normalizeOrigin } from './origins';

/** The object the recorder obeys (the stricter of it and the page's own options wins, field by field): the core's. */
export type RemoteSettings = CoreSiteSettings;

export const remoteSettings = (site: Pick<Site, SettingsField>): RemoteSettings => ({
  v: SETTINGS_VERSION,
  recording: site.recording,
  privacy: site.privacy,
  recordInputs: site.recordInputs,
  sampleRate: site.sampleRate,
});

type SettingsField = 'recording' | 'privacy' | 'recordInputs' | 'sampleRate';

/** What each mode records, in the words of @veil/core's README. */
export const PRIVACY_DESCRIPTIONS: Record<PrivacyMode, string> = {
  strict:
    'Page text is masked (text-bearing attributes too) and every input value is masked, except in regions the page marks data-veil="unmask".',
  balanced: 'Page text is recorded, except marked regions and detected personal data; input values are masked, except in unmask regions.',
  relaxed:
    'Page text is recorded, except marked regions and detected personal data; input values are recorded, except sensitive and personal fields and detected personal data.',
};

export const MAX_ORIGINS = 50;

export type Problems = Partial<Record<'privacy' | 'recording' | 'recordInputs' | 'sampleRate' | 'retentionDays' | 'origins', string>>;

const field = (body: Record<string, unknown>, name: string) => {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : undefined;
};

/**
 * The settings a form asks for, or what is wrong with it. Every field must
 * be present: a form that lost one is refused rather than half applied.
 * `maxRetentionDays` is the collector's own retention, which a site may
 * shorten but not extend.
 */
export function parseSettingsForm(body: Record<string, unknown>, maxRetentionDays: number): { settings: SiteSettings; problems: Problems } {
  const problems: Problems = {};
  const privacy = field(body, 'privacy');
  if (!privacy || !isPrivacyMode(privacy)) problems.privacy = `Choose a privacy mode: ${PRIVACY_MODES.join(', ')}.`;

  const onOff = (name: 'recording' | 'recordInputs', what: string) => {
    const value = field(body, name);
    if (value === 'on') return true;
    if (value === 'off') return false;
    problems[name] = `Choose on or off for ${what}.`;
    return true;
  };
  const recording = onOff('recording', 'recording');
  const recordInputs = onOff('recordInputs', 'recording form inputs');

  const percent = field(body, 'samplePercent');
  let sampleRate = 1;
  if (percent === undefined || !/^\d{1,3}(\.\d{1,2})?$/.test(percent) || Number(percent) > 100) {
    problems.sampleRate =
      'Give the share of sessions to record as a percentage from 0 to 100 (up to two decimals), e.g. 100 for all, 25 for one in four.';
  } else {
    sampleRate = Number(percent) / 100;
  }

  const days = field(body, 'retentionDays');
  let retentionDays: number | null = null;
  if (days === undefined || (days !== '' && (!/^\d{1,5}$/.test(days) || Number(days) < 1 || Number(days) > maxRetentionDays))) {
    problems.retentionDays = `Give a whole number of days from 1 to ${maxRetentionDays} (the collector's own limit), or leave it empty to keep recordings ${maxRetentionDays} days.`;
  } else if (days !== '') {
    retentionDays = Number(days);
  }

  return {
    settings: {
      privacy: (privacy && isPrivacyMode(privacy) ? privacy : 'strict') as PrivacyMode,
      recording,
      recordInputs,
      sampleRate,
      retentionDays,
    },
    problems,
  };
}

/** Origins from the settings form's text area: one per line (commas and spaces also separate). */
export function parseOriginsField(value: unknown): { origins: string[]; problem?: string } {
  const items = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
  if (!items.length) {
    return { origins: [], problem: "Give at least one origin the site's pages are served from, e.g. https://shop.example." };
  }
  if (items.length > MAX_ORIGINS) return { origins: [], problem: `Give at most ${MAX_ORIGINS} origins.` };
  const origins: string[] = [];
  const wrong: string[] = [];
  for (const item of items) {
    const origin = normalizeOrigin(item);
    if (origin) {
      if (!origins.includes(origin)) origins.push(origin);
    } else wrong.push(item);
  }
  if (wrong.length) {
    return {
      origins: [],
      problem: `${wrong.map((w) => JSON.stringify(w.slice(0, 100))).join(', ')} ${
        wrong.length === 1 ? 'is not an origin' : 'are not origins'
      }: give scheme, host and optional port, with no path, e.g. https://shop.example or http://127.0.0.1:4173.`,
    };
  }
  return { origins };
}

/** The retention in force for a site: its own, never longer than the collector's. */
export const effectiveRetentionDays = (site: Pick<Site, 'retentionDays'>, collectorDays: number) =>
  site.retentionDays === null ? collectorDays : Math.min(site.retentionDays, collectorDays);
