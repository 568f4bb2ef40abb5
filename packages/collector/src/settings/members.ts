// A site's users as its admins manage them: invitations by one-time link,
// role changes and removal. A site always keeps at least one admin, so nobody
// can lock everyone out of its settings by accident.
import { createHash, randomBytes } from 'node:crypto';
import { AdminError } from '../admin-error';
import { hashPassword, verifyPassword } from '../auth/password';
import { checkPasswordPolicy } from '../auth/password-policy';
import { normalizeEmail } from '../auth/users';
import type { Invitation, Role, Site, Storage, User } from '../storage/types';

/** An invitation link works for a week, once. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const hashInvitationToken = (token: string) => createHash('sha256').update(`invite\u0000${token}`, 'utf8').digest('hex');
export const looksLikeInvitationToken = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);

/** The path of an invitation's link; the viewer's origin goes in front. */
export const invitationPath = (token: string) => `/invite/${token}`;

/**
 * Creates a one-time invitation to the site; returns the token (shown once:
 * only its hash is stored).
 */
export async function inviteUser(
  storage: Storage,
  site: Pick<Site, 'id' | 'name'>,
  input: { email: string; role: Role },
  now: number,
): Promise<{ token: string; invitation: Invitation }> {
  const email = normalizeEmail(input.email);
  const member = (await storage.usersOfSite(site.id)).find((m) => m.user.email === email);
  if (member) throw new AdminError(`${email} is a ${member.role} of ${site.name} already; change their role in the list instead.`);
  const token = randomBytes(32).toString('base64url');
  const invitation: Invitation = {
    tokenHash: hashInvitationToken(token),
    siteId: site.id,
    email,
    role: input.role,
    createdAt: now,
    expiresAt: now + INVITATION_TTL_MS,
  };
  await storage.createInvitation(invitation);
  return { token, invitation };
}

/**
 * Accepts an invitation: a new account chooses its password, an existing one
 * proves it knows its own. The invitation is used up (a second acceptance of
 * the same link fails).
 */
export async function acceptInvitation(
  storage: Storage,
  token: string,
  password: string,
  now: number,
): Promise<{ user: User; invitation: Invitation }> {
  const tokenHash = hashInvitationToken(token);
  const invitation = await storage.getInvitation(tokenHash, now);
  if (!invitation) throw new AdminError("This invitation link has expired or was used already. Ask the site's admin for a new one.");
  let user = await storage.getUserByEmail(invitation.email);
  if (user) {
    if (!(await verifyPassword(password, user.passwordHash))) {
      throw new AdminError(`Wrong password for ${invitation.email}. Type the password you log in with.`);
    }
  } else {
    const refused = checkPasswordPolicy(password, { email: invitation.email });
    if (refused) throw new AdminError(refused);
  }
  if (!(await storage.deleteInvitation(tokenHash))) {
    throw new AdminError("This invitation link was used already. Ask the site's admin for a new one.");
  }
  user ??= await storage.createUser({ email: invitation.email, passwordHash: await hashPassword(password) });
  await storage.addUserToSite(user.id, invitation.siteId, invitation.role);
  return { user, invitation };
}

async function otherAdmins(storage: Storage, siteId: number, userId: number): Promise<number> {
  return (await storage.usersOfSite(siteId)).filter((m) => m.role === 'admin' && m.user.id !== userId).length;
}

/** Changes a user's role on the site; the last admin cannot become a viewer. */
export async function setMemberRole(storage: Storage, site: Pick<Site, 'id' | 'name'>, userId: number, role: Role): Promise<void> {
  const member = (await storage.usersOfSite(site.id)).find((m) => m.user.id === userId);
  if (!member) throw new AdminError(`That user is not a user of ${site.name}.`);
  if (role === 'viewer' && member.role === 'admin' && (await otherAdmins(storage, site.id, userId)) === 0) {
    throw new AdminError(`${member.user.email} is the only admin of ${site.name}: make someone else an admin first.`);
  }
  await storage.addUserToSite(userId, site.id, role);
}

/** Takes a user's access to the site away (their account and other sites stay); not the last admin. */
export async function removeMember(storage: Storage, site: Pick<Site, 'id' | 'name'>, userId: number): Promise<User> {
  const member = (await storage.usersOfSite(site.id)).find((m) => m.user.id === userId);
  if (!member) throw new AdminError(`That user is not a user of ${site.name}.`);
  if (member.role === 'admin' && (await otherAdmins(storage, site.id, userId)) === 0) {
    throw new AdminError(`${member.user.email} is the only admin of ${site.name}: make someone else an admin first.`);
  }
  await storage.removeUserFromSite(userId, site.id);
  return member.user;
}
