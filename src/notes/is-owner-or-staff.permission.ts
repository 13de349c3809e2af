import { Injectable, type ExecutionContext } from '@nestjs/common';
import { BasePermission, requestOf, SAFE_METHODS, TokenUser } from '@nest-simplejwt/auth';
import type { User } from '../users/user.entity.js';
import type { Note } from './note.entity.js';

/** Anyone may read a note; only its owner, or staff, may change it. An object-level check. */
@Injectable()
export class IsOwnerOrStaff extends BasePermission {
  override hasObjectPermission(context: ExecutionContext, note: Note): boolean {
    const request = requestOf(context);
    if (SAFE_METHODS.has(request.method)) return true;
    const user = request.user as User | TokenUser | null | undefined;
    if (!user) return false;
    return user.isStaff || userIdOf(user) === note.ownerId;
  }
}

/**
 * The auth_user id of the request's user, or null. A TokenUser carries it as its id claim, which
 * counts only as a positive integer or its canonical decimal string ("01" owns nothing).
 */
export function userIdOf(user: User | TokenUser): number | null {
  if (!(user instanceof TokenUser)) return user.id;
  const id = typeof user.id === 'number' ? user.id : /^[1-9][0-9]{0,9}$/.test(user.id) ? Number(user.id) : NaN;
  return Number.isSafeInteger(id) && id >= 1 && id <= 2_147_483_647 ? id : null;
}
