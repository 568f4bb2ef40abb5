// Site and user administration shared by the CLI and the programmatic API.
// Errors are meant to be shown as they are: they name the value and the fix.
import { randomBytes } from 'node:crypto';
import { normalizeOrigin } from './cors';
import { hashKey } from './ingest';
import { MIN_PASSWORD_LENGTH, hashPassword } from './auth/password';
import { SITE_PRIVACY_MODES, type Site, type SitePrivacy, type Storage, type User } from './storage/types';

export class AdminError extends Error {}

const SITE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A new ingest key: 192 random bits. */
export const newIngestKey = () => `vk_${randomBytes(24).toString('base64url')}`;

export function parseOrigins(values: string[]): string[] {
  if (values.length === 0) {
    throw new AdminError('A site needs at least one --origin, e.g. --origin https://shop.example (scheme, host and port only).');
  }
  return [
    ...new Set(
      values.map((value) => {
        const origin = normalizeOrigin(value);
        if (!origin) {
          throw new AdminError(
            `--origin ${JSON.stringify(value)} is not an origin: give scheme, host and optional port, e.g. https://shop.example or http://127.0.0.1:4173, with no path.`,
          );
        }
        return origin;
      }),
    ),
  ];
}

export function parsePrivacy(value: string | undefined): SitePrivacy {
  if (value === undefined) return 'strict';
  if (!(SITE_PRIVACY_MODES as readonly string[]).includes(value)) {
    throw new AdminError(`--privacy must be one of ${SITE_PRIVACY_MODES.join(', ')}; got ${JSON.stringify(value)}.`);
  }
  return value as SitePrivacy;
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

export function normalizeEmail(email: string): string {
  const value = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(value) || value.length > 320) {
    throw new AdminError(`${JSON.stringify(email)} is not an e-mail address; users log in with their e-mail address.`);
  }
  return value;
}

/**
 * Creates a user (or, when the e-mail exists, sets the new password) and gives
 * them access to the named sites.
 *
 * @example
 * await addUser(storage, { email: 'alice@example.com', password: 'correct horse battery', sites: ['shop'] });
 */
export async function addUser(
  storage: Storage,
  input: { email: string; password: string; sites: string[] },
): Promise<{ user: User; created: boolean }> {
  const email = normalizeEmail(input.email);
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AdminError(`The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
  if (input.sites.length === 0) throw new AdminError('Give the user at least one --site they may see.');
  const sites = [];
  for (const name of input.sites) sites.push(await requireSite(storage, name));
  const passwordHash = await hashPassword(input.password);
  let user = await storage.getUserByEmail(email);
  const created = !user;
  if (user) await storage.setUserPassword(user.id, passwordHash);
  else user = await storage.createUser({ email, passwordHash });
  for (const site of sites) await storage.addUserToSite(user.id, site.id);
  return { user, created };
}

/** Every user with the names of the sites they may see. */
export async function listUsers(storage: Storage): Promise<{ email: string; sites: string[] }[]> {
  const out = [];
  for (const user of await storage.listUsers()) {
    out.push({ email: user.email, sites: (await storage.sitesOfUser(user.id)).map((site) => site.name) });
  }
  return out;
}

/** Deletes a user; their login sessions end with them. */
export async function removeUser(storage: Storage, email: string): Promise<void> {
  const user = await storage.getUserByEmail(normalizeEmail(email));
  if (!user) throw new AdminError(`No user ${JSON.stringify(email)}; \`veil-collector user list\` shows the users.`);
  await storage.deleteUser(user.id);
}
