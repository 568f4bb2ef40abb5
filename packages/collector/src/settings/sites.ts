// A site's settings as an administrator sets them (the CLI and the
// programmatic API): its name, origins, privacy mode and ingest key.
import { DEFAULT_PRIVACY_MODE, PRIVACY_MODES, isPrivacyMode, type PrivacyMode } from '@veil/core/engine';
import { AdminError } from '../admin-error';
import { hashKey, newIngestKey } from '../ingest/keys';
import type { Site, Storage } from '../storage/types';
import { parseOrigins } from './origins';

const SITE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A site's privacy mode from `--privacy`: the core's default when absent. */
export function parsePrivacy(value: string | undefined): PrivacyMode {
  if (value === undefined) return DEFAULT_PRIVACY_MODE;
  if (!isPrivacyMode(value)) {
    throw new AdminError(`--privacy must be one of ${PRIVACY_MODES.join(', ')}; got ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * Creates a site and returns its ingest key (shown once: only its hash is stored).
 *
 * @example
 * const { key } = await addSite(storage, { name: 'shop', origins: ['https://shop.example'] });
 */
export async function addSite(
  storage: Storage,
  input: { name: string; origins: string[]; privacy?: string },
): Promise<{ site: Site; key: string }> {
  if (!SITE_NAME.test(input.name)) {
    throw new AdminError(
      `Site name ${JSON.stringify(input.name)} is not valid: use 1-64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.`,
    );
  }
  const origins = parseOrigins(input.origins);
  const privacy = parsePrivacy(input.privacy);
  if (await storage.getSiteByName(input.name)) {
    throw new AdminError(`A site named ${input.name} exists already; pick another name or change its origins with \`site origins\`.`);
  }
  const key = newIngestKey();
  const site = await storage.createSite({ name: input.name, origins, privacy, keyHash: hashKey(key) });
  return { site, key };
}

export async function requireSite(storage: Storage, name: string): Promise<Site> {
  const site = await storage.getSiteByName(name);
  if (!site) throw new AdminError(`No site named ${JSON.stringify(name)}; \`veil-collector site list\` shows the sites.`);
  return site;
}

/**
 * Replaces a site's origins.
 *
 * @example
 * await setSiteOrigins(storage, 'shop', ['https://www.shop.example']);
 */
export async function setSiteOrigins(storage: Storage, name: string, origins: string[]): Promise<Site> {
  const site = await requireSite(storage, name);
  const normalized = parseOrigins(origins);
  await storage.setSiteOrigins(site.id, normalized);
  return { ...site, origins: normalized };
}

/**
 * Gives a site a new ingest key (for a key that leaked): the old key is
 * refused from now on, so recorders must be given the new one.
 */
export async function rotateSiteKey(storage: Storage, name: string): Promise<{ site: Site; key: string }> {
  const site = await requireSite(storage, name);
  const key = newIngestKey();
  await storage.setSiteKeyHash(site.id, hashKey(key));
  return { site, key };
}
