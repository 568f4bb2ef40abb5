// The people who may log in to the viewer, and the sites each may see, as an
// administrator manages them (the CLI and the programmatic API).
import { AdminError } from '../admin-error';
import { requireSite } from '../settings/sites';
import type { Role, Storage, User } from '../storage/types';
import { hashPassword } from './password';
import { checkPasswordPolicy } from './password-policy';
import { roleForNewMember } from './roles';

/** Control characters (NUL above all: PostgreSQL text cannot hold it) are in no e-mail address. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
export const hasControlCharacters = (value: string) => /[\u0000-\u001f\u007f]/.test(value);

export function normalizeEmail(email: string): string {
  const value = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(value) || value.length > 320 || hasControlCharacters(value)) {
    throw new AdminError(`${JSON.stringify(email)} is not an e-mail address; users log in with their e-mail address.`);
  }
  return value;
}

/**
 * Creates a user (or, when the e-mail exists, sets the new password) and gives
 * them access to the named sites, with `role` there (default: admin for a
 * site's first user, viewer after that).
 *
 * @example
 * await addUser(storage, { email: 'alice@example.com', password: 'correct horse battery', sites: ['shop'] });
 */
export async function addUser(
  storage: Storage,
  input: { email: string; password: string; sites: string[]; role?: Role },
): Promise<{ user: User; created: boolean }> {
  const email = normalizeEmail(input.email);
  const refused = checkPasswordPolicy(input.password, { email });
  if (refused) throw new AdminError(refused);
  if (input.sites.length === 0) throw new AdminError('Give the user at least one --site they may see.');
  const sites = [];
  for (const name of input.sites) sites.push(await requireSite(storage, name));
  const passwordHash = await hashPassword(input.password);
  let user = await storage.getUserByEmail(email);
  const created = !user;
  if (user) await storage.setUserPassword(user.id, passwordHash);
  else user = await storage.createUser({ email, passwordHash });
  for (const site of sites) await storage.addUserToSite(user.id, site.id, await roleForNewMember(storage, site.id, user.id, input.role));
  return { user, created };
}

/** Every user with the sites they may see, each as `name (role)`. */
export async function listUsers(storage: Storage): Promise<{ email: string; sites: string[] }[]> {
  const out = [];
  for (const user of await storage.listUsers()) {
    out.push({ email: user.email, sites: (await storage.sitesOfUser(user.id)).map((site) => `${site.name} (${site.role})`) });
  }
  return out;
}

/** Deletes a user; their login sessions end with them. */
export async function removeUser(storage: Storage, email: string): Promise<void> {
  const user = await storage.getUserByEmail(normalizeEmail(email));
  if (!user) throw new AdminError(`No user ${JSON.stringify(email)}; \`veil-collector user list\` shows the users.`);
  await storage.deleteUser(user.id);
}
