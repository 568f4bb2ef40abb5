import type { PrivacyMode } from '@veil/core/engine';
import type { BatchObjectOwner } from './blob-store';

/** The privacy mode a site's recordings are scrubbed with on the server: the core's {@link PrivacyMode}. */
export type SitePrivacy = PrivacyMode;

/** What a user may do on a site: `viewer` watches recordings; `admin` also changes settings, users and the key, and deletes. */
export type Role = 'admin' | 'viewer';

/**
 * What the site's owner sets in the viewer's settings page (and what the
 * recorder learns from GET /v1/settings; see docs/protocol.md).
 */
export interface SiteSettings {
  privacy: PrivacyMode;
  /** false: the kill switch is on; batches are refused and recorders stop. */
  recording: boolean;
  /** false: every input value is masked, whatever the privacy mode. */
  recordInputs: boolean;
  /** Share of sessions recorded, 0..1 (decided by the recorder, once per session). */
  sampleRate: number;
  /** Days recordings of this site are kept; null: the collector's --retention-days. */
  retentionDays: number | null;
}

export interface Site extends SiteSettings {
  id: number;
  name: string;
  /** Exact origins (`https://shop.example`) allowed to send, and to read CORS answers. */
  origins: string[];
  createdAt: number;
}

/** A site as one of its users sees it: with that user's role there. */
export interface MemberSite extends Site {
  role: Role;
}

export interface SiteMember {
  user: User;
  role: Role;
}

export interface Invitation {
  /** SHA-256 of the token in the link; the token itself is shown once. */
  tokenHash: string;
  siteId: number;
  email: string;
  role: Role;
  createdAt: number;
  expiresAt: number;
}

export interface User {
  id: number;
  email: string;
  passwordHash: string;
  createdAt: number;
}

/** A user's two-factor login state (see auth/two-factor.ts). */
export interface TwoFactorState {
  /** The TOTP secret (base32) while two-factor login is on; null when off. */
  secret: string | null;
  /** A secret shown for enrolment, not yet confirmed by a first code. */
  pendingSecret: string | null;
  /** The last TOTP step a code was accepted for: codes of it or earlier are refused. */
  lastStep: number | null;
  recoveryCodesLeft: number;
}

/** One line of a site's audit log. */
export interface AuditEntry {
  id: number;
  /** null: not tied to one site (e.g. a command-line action on a user without sites). */
  siteId: number | null;
  /** null: no logged-in user did it (the command line, the retention job). */
  userId: number | null;
  /** The user's e-mail address when the entry was written (kept after the user is removed). */
  actor: string | null;
  /** A dotted code, e.g. `login`, `login.failed`, `session.view`; see audit/actions.ts. */
  action: string;
  detail: string;
  ip: string | null;
  /** Server clock (ms). */
  at: number;
}

export type AuditWrite = Omit<AuditEntry, 'id' | 'actor'>;

export interface LoginSession {
  userId: number;
  expiresAt: number;
}

export interface SessionSummary {
  siteId: number;
  sessionId: string;
  visitorId: string | null;
  /** Earliest and latest event timestamps (client clock, ms). */
  startedAt: number | null;
  endedAt: number | null;
  /** Server clock (ms). */
  firstReceivedAt: number;
  lastReceivedAt: number;
  batches: number;
  events: number;
  /** Compressed bytes stored. */
  bytes: number;
  /** Page loads and single-page navigations seen. */
  pages: number;
  maxSeq: number;
  /** Sequence numbers below maxSeq that never arrived. */
  missingBatches: number;
  droppedBatches: number;
  droppedEvents: number;
  /** Clicks and input events recorded (0 for sessions stored before the collector counted them). */
  clicks: number;
  inputs: number;
  /** Earliest and latest page URL recorded (scrubbed); null when none was, or before the collector kept them. */
  firstUrl: string | null;
  lastUrl: string | null;
}

/** How the session list is sorted: by start, by duration, or by activity (clicks + inputs). */
export type SessionSort = 'start' | 'duration' | 'activity';

/**
 * One page of the session list. Pages follow each other by keyset (`after`,
 * the last row's sort value and session id), never by offset, so every page
 * costs an index range scan however deep it is.
 */
export interface SessionQuery {
  sort: SessionSort;
  order?: 'asc' | 'desc';
  limit?: number;
  after?: { value: number; sessionId: string } | null;
  /** The page before this cursor (the "previous page" link): the `limit` rows just before it, still in the list's order. Ignored with `after`. */
  before?: { value: number; sessionId: string } | null;
  /** Start time range (client clock, ms): from inclusive, to exclusive. */
  from?: number | null;
  to?: number | null;
  /** A page URL the session visited (scrubbed, as stored), matched whole or as a part. */
  url?: string | null;
  urlMatch?: 'contains' | 'equals';
  minDurationMs?: number | null;
  visitorId?: string | null;
  minPages?: number | null;
  /** true: only sessions with missing or dropped batches; false: only those without. */
  hasGaps?: boolean | null;
}

export interface GapRecord {
  expectedSeq: number;
  receivedSeq: number;
  receivedAt: number;
}

export interface BatchWrite {
  siteId: number;
  sessionId: string;
  seq: number;
  visitorId: string | null;
  receivedAt: number;
  /** gzip-compressed JSON array of the scrubbed events. */
  blob: Buffer;
  eventCount: number;
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  pages: number;
  hasFullSnapshot: boolean;
  droppedBatches: number;
  droppedEvents: number;
  /** From the batch's summary; absent counts as none. */
  clicks?: number;
  inputs?: number;
  urls?: { url: string; at: number }[];
}

export interface StoredBatch {
  seq: number;
  hasFullSnapshot: boolean;
  blob: Buffer;
  /** Batches the client said it dropped just before this one (the player marks them as a gap). */
  droppedBatches: number;
}

/** What a stored batch changed beyond itself: the gap it opened, if any. */
export interface WriteResult {
  gap: GapRecord | null;
}

/** A failure budget as the login limits use it (the same shape as the ingest rate limits). */
export interface FailureBudget {
  perSecond: number;
  burst: number;
}

/**
 * The login limits' counters kept in the database, so that several collector
 * instances on it count the same failures (auth/login-guard.ts). Each update
 * is one atomic statement: instances racing on one address or account each
 * count.
 */
export interface SharedLoginLimits {
  /** Counts a failure from this address (forgetting failures older than `forgetAfterMs`); returns how many it has now. */
  ipFailed(ip: string, now: number, forgetAfterMs: number): Promise<number>;
  /** The address may not try before `until` (ms); an earlier time never shortens a wait already set. */
  ipWaitUntil(ip: string, until: number): Promise<void>;
  /** Epoch ms before which this address may not try (0: it may). */
  ipBlockedUntil(ip: string): Promise<number>;
  ipSucceeded(ip: string): Promise<void>;
  /** Takes one failure from the account's budget, if it has one left. */
  accountFailed(account: string, now: number, budget: FailureBudget): Promise<void>;
  /** The failures the account has left to spend now. */
  accountTokens(account: string, now: number, budget: FailureBudget): Promise<number>;
  /** Deletes the counters that say nothing any more (waits over and forgotten, budgets full again). */
  purge(now: number, forgetAfterMs: number, budget: FailureBudget): Promise<number>;
}

/**
 * Everything the collector keeps. One implementation per database; every
 * method is async so a networked database fits the same shape.
 */
export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  /** Present where several instances may share the database (PostgreSQL): the login limits are kept there. */
  readonly loginLimits?: SharedLoginLimits;
  /** Creates or upgrades the schema. Safe to run on every start, from several instances. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** A random secret shared by every instance on this database (CSRF tokens). */
  getServerSecret(): Promise<Buffer>;

  createSite(site: { name: string; origins: string[]; privacy: PrivacyMode; keyHash: string }): Promise<Site>;
  /** Replaces the site's privacy mode, kill switch, input recording, sampling and retention. */
  setSiteSettings(siteId: number, settings: SiteSettings): Promise<void>;
  listSites(): Promise<Site[]>;
  getSiteByName(name: string): Promise<Site | null>;
  getSiteByKeyHash(keyHash: string): Promise<Site | null>;
  setSiteOrigins(siteId: number, origins: string[]): Promise<void>;
  /** Replaces the site's ingest key: the old one stops working at once. */
  setSiteKeyHash(siteId: number, keyHash: string): Promise<void>;
  /** Whether any site lists this origin (CORS preflights carry no key). */
  isKnownOrigin(origin: string): Promise<boolean>;

  createUser(user: { email: string; passwordHash: string }): Promise<User>;
  getUserByEmail(email: string): Promise<User | null>;
  /** Replaces the password and ends every login session of the user: a reset locks out whoever knew the old one. */
  setUserPassword(userId: number, passwordHash: string): Promise<void>;
  /** Gives the user the role on the site (replacing the one they had there). */
  addUserToSite(userId: number, siteId: number, role: Role): Promise<void>;
  /** Takes the user's access to the site away (the account stays); false when they had none. */
  removeUserFromSite(userId: number, siteId: number): Promise<boolean>;
  sitesOfUser(userId: number): Promise<MemberSite[]>;
  /** The site's users with their roles, by e-mail. */
  usersOfSite(siteId: number): Promise<SiteMember[]>;
  getUserById(userId: number): Promise<User | null>;

  createInvitation(invitation: Invitation): Promise<void>;
  /** The invitation if it exists and has not expired. */
  getInvitation(tokenHash: string, now: number): Promise<Invitation | null>;
  /** Deletes it; false when it was gone already (used once: the second acceptance loses). */
  deleteInvitation(tokenHash: string): Promise<boolean>;
  /** Unexpired invitations of a site, newest first. */
  invitationsOfSite(siteId: number, now: number): Promise<Invitation[]>;
  listUsers(): Promise<User[]>;
  /** Deletes the user with their site access and login sessions; false when there was none. */
  deleteUser(userId: number): Promise<boolean>;

  getTwoFactor(userId: number): Promise<TwoFactorState>;
  /** Stores (or with null, drops) the secret shown during enrolment. */
  setPendingTotpSecret(userId: number, secret: string | null): Promise<void>;
  /**
   * Switches two-factor login on with the pending secret, if it is still
   * `secret` (not replaced by another enrolment meanwhile), with `step` as
   * used and these recovery codes (hashed) replacing any earlier ones.
   */
  enableTwoFactor(userId: number, input: { secret: string; step: number; recoveryCodeHashes: string[] }): Promise<boolean>;
  /** Switches two-factor login off and drops the secret and recovery codes. */
  disableTwoFactor(userId: number): Promise<void>;
  /** Marks a TOTP step used, atomically: false when it or a later one was used already. */
  useTotpStep(userId: number, step: number): Promise<boolean>;
  /** Marks an unused recovery code used, atomically: false when there is none such. */
  useRecoveryCode(userId: number, codeHash: string, now: number): Promise<boolean>;

  /** Adds a line to the audit log; the log has no update, and deletion only by age. */
  appendAudit(entry: AuditWrite): Promise<void>;
  /** A site's audit log, newest first, one keyset page (`before`: the last row seen). */
  listAudit(siteId: number, options: { limit: number; before?: { at: number; id: number } | null }): Promise<AuditEntry[]>;
  /** Deletes audit lines written before `before` (ms), the retention job's; returns how many. */
  /** Deletes audit lines older than `before`: every site's, or only `siteId`'s (a site with a shorter retention). */
  purgeAuditBefore(before: number, siteId?: number): Promise<number>;

  createLoginSession(idHash: string, session: LoginSession): Promise<void>;
  getLoginSession(idHash: string, now: number): Promise<LoginSession | null>;
  deleteLoginSession(idHash: string): Promise<void>;

  /** The one duplicate check: the recordings pipeline asks it, under the session's lock, before any work. */
  hasBatch(siteId: number, sessionId: string, seq: number): Promise<boolean>;
  /**
   * Batch insert, session upsert and gap bookkeeping in one transaction. A
   * batch whose (site, session, seq) is stored already is not a duplicate
   * here but an error (the primary key): the caller checked with `hasBatch`.
   */
  writeBatch(batch: BatchWrite): Promise<WriteResult>;
  /**
   * Stored batches of a session with `seq < beforeSeq`, in seq order, starting
   * at the latest one that holds a full snapshot (all of them when none does).
   */
  batchesForRebuild(siteId: number, sessionId: string, beforeSeq: number): Promise<StoredBatch[]>;
  getBatches(siteId: number, sessionId: string): Promise<StoredBatch[]>;
  /** At most `limit` stored batches of a session with `seq > afterSeq`, in seq order: one page of a replay loaded progressively. */
  batchesAfter(siteId: number, sessionId: string, afterSeq: number, limit: number): Promise<StoredBatch[]>;
  getSession(siteId: number, sessionId: string): Promise<SessionSummary | null>;
  /** Newest-received first, by offset (the retention and admin commands' view). */
  listSessions(siteId: number, options?: { limit?: number; offset?: number }): Promise<SessionSummary[]>;
  /** The viewer's session list: filtered, sorted, one keyset page. */
  findSessions(siteId: number, query: SessionQuery): Promise<SessionSummary[]>;
  /** Every session of one visitor, oldest first. */
  visitorSessions(siteId: number, visitorId: string): Promise<SessionSummary[]>;
  getGaps(siteId: number, sessionId: string): Promise<GapRecord[]>;

  /**
   * Of these objects of the blob store, each with the batch its key was made
   * for, the keys that batch's row holds. One query for the lot, by primary
   * key: the orphan sweep asks it a listing page at a time.
   */
  referencedBlobKeys(objects: (BatchObjectOwner & { key: string })[]): Promise<Set<string>>;

  /** Deletes a session and everything recorded in it; returns how many sessions went. */
  deleteSession(siteId: number, sessionId: string): Promise<number>;
  deleteVisitor(siteId: number, visitorId: string): Promise<number>;
  /** Deletes sessions whose last batch arrived before `before` (ms); returns how many. */
  purgeSessionsBefore(before: number): Promise<number>;
  /** The same for one site (its own, shorter retention). */
  purgeSiteSessionsBefore(siteId: number, before: number): Promise<number>;
  /** Also deletes expired invitations. */
  purgeLoginSessions(now: number): Promise<number>;
}
