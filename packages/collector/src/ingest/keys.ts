// Ingest keys: made here, shown once, stored only as a hash. Keys are random
// (192 bits), so a plain SHA-256 is enough: there is nothing to guess that a
// slow hash would protect, and the lookup on every batch stays cheap.
import { createHash, randomBytes } from 'node:crypto';

/** A new ingest key: 192 random bits. */
export const newIngestKey = () => `vk_${randomBytes(24).toString('base64url')}`;

/**
 * The ingest key as stored and looked up.
 *
 * @example
 * const site = await storage.getSiteByKeyHash(hashKey(batch.siteKey));
 */
export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
