export {
  createCollector,
  DEFAULT_PORT,
  DEFAULT_HOST,
  DEFAULT_DATABASE,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_RATE_LIMITS,
  DEFAULT_DRAIN_SECONDS,
} from './server';
export type { Collector, CollectorOptions } from './server';
export type { EngineStats as IngestStats } from './recordings/batch-engine';
export { createSqliteStorage } from './storage/sqlite';
export type { SqliteStorageOptions } from './storage/sqlite';
export { createPostgresStorage } from './storage/postgres';
export type { PostgresStorageOptions } from './storage/postgres';
export { openStorage, isPostgresUrl } from './storage/index';
export type { OpenStorageOptions } from './storage/index';
export { createS3BlobStore } from './storage/s3';
export type { S3BlobStoreOptions } from './storage/s3';
export type { BlobStore, ListedObject } from './storage/blob-store';
export { sweepOrphanBlobs, BlobSweepError } from './storage/blob-sweep';
export type { BlobSweepOptions, BlobSweepReport } from './storage/blob-sweep';
export type {
  Storage,
  Site,
  SitePrivacy,
  SiteSettings,
  MemberSite,
  SiteMember,
  Role,
  Invitation,
  User,
  SessionSummary,
  GapRecord,
  StoredBatch,
  BatchWrite,
  WriteResult,
  LoginSession,
  AuditEntry,
  AuditWrite,
  TwoFactorState,
} from './storage/types';
export { recordAudit, canSeeAudit } from './audit/audit';
export type { AuditInput } from './audit/audit';
export { checkPasswordPolicy, MIN_PASSWORD_LENGTH } from './auth/password-policy';
export { addSite, setSiteOrigins } from './settings/sites';
export { addUser } from './auth/users';
export { remoteSettings } from './settings/site-settings';
export type { RemoteSettings } from './settings/site-settings';
export { AdminError } from './admin-error';
export { hashPassword, verifyPassword } from './auth/password';
export { decodeBlob } from './recordings/blob';
export { decodeBody } from './ingest/body';
export { hashKey } from './ingest/keys';
export { PROTOCOL_VERSION } from '@veil/core/engine';
export type { RateLimit } from './rate-limit';
