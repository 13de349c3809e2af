import { Injectable, type ExecutionContext } from '@nestjs/common';
import { BasePermission, requestOf } from '@nest-simplejwt/auth';
import type { Member } from '../members/member.entity.js';

/** Only managers may start a project: a permission class of this app's own. */
@Injectable()
export class IsManager extends BasePermission {
  override message = 'Only managers may do this.';
  override code = 'not_manager';

  override hasPermission(context: ExecutionContext): boolean {
    const member = requestOf(context).user as Member | null;
    return member?.role === 'manager';
  }
}
