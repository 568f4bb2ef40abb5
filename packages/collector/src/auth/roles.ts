// Who may do what on a site. Viewers watch recordings; admins also change the
// site's settings, manage its users, rotate its key and delete recordings.
// Every check is made on the server, from the role stored for the user and
// the site at the time of the request (never from the page that was shown).
import { AdminError } from '../admin-error';
import type { MemberSite, Role, Storage } from '../storage/types';

export const ROLES: readonly Role[] = ['admin', 'viewer'];
export const DEFAULT_ROLE: Role = 'viewer';

export const isRole = (value: unknown): value is Role => value === 'admin' || value === 'viewer';

/** A role from `--role` (or a form): the default when absent. */
export function parseRole(value: string | undefined, flag = '--role'): Role {
  if (value === undefined) return DEFAULT_ROLE;
  if (!isRole(value)) throw new AdminError(`${flag} must be admin or viewer; got ${JSON.stringify(value)}.`);
  return value;
}

export const isAdmin = (site: Pick<MemberSite, 'role'>) => site.role === 'admin';

/** What a viewer is told when they try an admin's action. */
export const ADMIN_ONLY = 'Only an admin of this site can do this. Ask one of its admins to give you the admin role.';

/**
 * The role a user gets on a site when none is asked for: admin when the site
 * has no admin yet (its first user, so someone can manage it), else viewer;
 * a user already on the site keeps their role.
 */
export async function roleForNewMember(storage: Storage, siteId: number, userId: number, requested: Role | undefined): Promise<Role> {
  if (requested) return requested;
  const members = await storage.usersOfSite(siteId);
  const existing = members.find((m) => m.user.id === userId);
  if (existing) return existing.role;
  return members.some((m) => m.role === 'admin') ? DEFAULT_ROLE : 'admin';
}
