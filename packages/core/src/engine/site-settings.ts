// A site's settings, as a collector serves them (docs/protocol.md, "Site
// settings"), and the rule that joins them to the page's own options: the
// stricter wins, field by field, so a setting changed on the server can make
// recording more private than the page's code asked for, never less.
import { isPrivacyMode, stricterMode, type PrivacyMode } from './vocabulary';

/** The version of the settings object; a recorder ignores settings of a version it does not know. */
export const SETTINGS_VERSION = 1;

/** What a site owner sets on the collector for every page of the site. */
export interface SiteSettings {
  v: typeof SETTINGS_VERSION;
  /** `false`: the site's kill switch is on; nothing is recorded. */
  recording: boolean;
  privacy: PrivacyMode;
  /** `false`: every input value is masked, whatever the mode. */
  recordInputs: boolean;
  /** The share of sessions recorded, 0 to 1. */
  sampleRate: number;
}

/** The privacy a recording runs under: the page's options, or those tightened by its site's settings. */
export interface RecordingPolicy {
  recording: boolean;
  privacy: PrivacyMode;
  recordInputs: boolean;
  sampleRate: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The settings in a collector's answer, or `null` when there are none or they
 * are not settings this version understands (then the page's options stand).
 *
 * @example
 * readSiteSettings({ v: 1, recording: true, privacy: 'strict', recordInputs: false, sampleRate: 0.5 });
 */
export function readSiteSettings(value: unknown): SiteSettings | null {
  if (!isRecord(value) || value.v !== SETTINGS_VERSION) return null;
  const { recording, privacy, recordInputs, sampleRate } = value;
  if (typeof recording !== 'boolean' || !isPrivacyMode(privacy) || typeof recordInputs !== 'boolean') return null;
  if (typeof sampleRate !== 'number' || !(sampleRate >= 0 && sampleRate <= 1)) return null;
  return { v: SETTINGS_VERSION, recording, privacy, recordInputs, sampleRate };
}

/**
 * The stricter of two policies, field by field: recording only if both
 * record, the more private mode, input values only if both record them, the
 * smaller sample rate.
 *
 * @example
 * stricterPolicy({ recording: true, privacy: 'relaxed', recordInputs: true, sampleRate: 1 }, siteSettings);
 */
export function stricterPolicy(a: RecordingPolicy, b: RecordingPolicy | null): RecordingPolicy {
  if (!b) return a;
  return {
    recording: a.recording && b.recording,
    privacy: stricterMode(a.privacy, b.privacy),
    recordInputs: a.recordInputs && b.recordInputs,
    sampleRate: Math.min(a.sampleRate, b.sampleRate),
  };
}
