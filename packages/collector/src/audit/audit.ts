// The audit log: who did what to a site, when and from where. Every line is
// appended through recordAudit; nothing in the application updates or deletes
// one, except the retention job, which removes lines past the retention period.
import type { AuditEntry, MemberSite, Site, Storage } from '../storage/types';

/**
 * What the log records. Other features add their own codes (settings changes,
 * invitations, roles, key rotation): give each a label in AUDIT_LABELS so the
 * page reads as sentences.
 */
export const AUDIT_LABELS: Record<string, string> = {
  login: 'Logged in',
  'login.failed': 'Failed login',
  logout: 'Logged out',
  'session.view': 'Watched a session',
  'session.delete': 'Deleted a session',
  'visitor.delete': "Deleted a visitor's data",
  'blobs.sweep': 'Deleted orphaned recording objects',
  'two-factor.enable': 'Turned on two-factor login',
  'two-factor.disable': 'Turned off two-factor login',
  'two-factor.reset': 'Two-factor login reset',
  'audit.export': 'Exported the audit log',
  'settings.change': "Changed the site's settings",
  'origins.change': "Changed the site's origins",
  'key.rotate': 'Rotated the ingest key',
  'user.invite': 'Invited a user',
  'user.role': "Changed a user's role",
  'user.remove': 'Removed a user from the site',
  'invite.accept': 'Accepted an invitation',
};

export const auditLabel = (action: string) => AUDIT_LABELS[action] ?? action;

export interface AuditInput {
  /** The site it concerns; null for what concerns no one site. */
  siteId: number | null;
  /** Who did it; null for the command line or the collector itself. */
  userId: number | null;
  action: string;
  /** What it was done to, in words: a session id, "privacy: balanced → strict", … */
  detail?: string;
  /** The client's address as the server sees it (`request.ip`, which honours --trust-proxy). */
  ip?: string | null;
  /** Default now. */
  at?: number;
}

/** Longer details are cut: a line of the log is a sentence, not a document. */
const MAX_DETAIL = 2000;

/**
 * Appends one line to the audit log.
 *
 * @example
 * await recordAudit(storage, { siteId: site.id, userId: viewer.userId, action: 'settings.change', detail: 'privacy: balanced → strict', ip: request.ip });
 */
export async function recordAudit(storage: Storage, input: AuditInput): Promise<void> {
  await storage.appendAudit({
    siteId: input.siteId,
    userId: input.userId,
    action: input.action,
    detail: (input.detail ?? '').slice(0, MAX_DETAIL),
    ip: input.ip ?? null,
    at: input.at ?? Date.now(),
  });
}

/**
 * Appends a line about a user's own account (logins, two-factor changes) to
 * the log of every site the user belongs to, so each site's owners see who
 * came in, and it stays in their log if the user is later removed. A user of
 * no site gets one line with no site.
 */
export async function recordUserAudit(storage: Storage, input: Omit<AuditInput, 'siteId'> & { userId: number }): Promise<void> {
  const sites = await storage.sitesOfUser(input.userId);
  if (!sites.length) return recordAudit(storage, { ...input, siteId: null });
  const at = input.at ?? Date.now();
  for (const site of sites) await recordAudit(storage, { ...input, siteId: site.id, at });
}

/** Whether this user may read this site's audit log: the one place that says so. Only the site's admins may. */
export function canSeeAudit(user: { sites: MemberSite[] }, site: Site): boolean {
  return user.sites.some((s) => s.id === site.id && s.role === 'admin');
}

/** One CSV cell: always quoted, quotes doubled, and a leading = + - @ (or tab, CR) neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export const csvRow = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

export const AUDIT_CSV_HEADER = ['time (UTC)', 'user', 'action', 'what', 'detail', 'ip'];

export function auditCsvRow(entry: AuditEntry): string {
  return csvRow([
    new Date(entry.at).toISOString(),
    entry.actor ?? (entry.userId === null ? 'command line' : `user ${entry.userId}`),
    entry.action,
    auditLabel(entry.action),
    entry.detail,
    entry.ip ?? '',
  ]);
}
