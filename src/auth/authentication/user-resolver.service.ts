import { Inject, Injectable } from '@nestjs/common';
import { AUTH_OPTIONS } from '../auth.module-definition.js';
import type { AuthModuleOptions } from '../auth.options.js';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import type { Claims } from '../tokens/token-types.js';
import { USER_STORE, type UserStore } from './user-store.js';

/** Finds the user a token names, and applies USER_AUTHENTICATION_RULE. */
@Injectable()
export class UserResolver {
  private readonly rule: (user: object) => boolean;

  constructor(
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
    @Inject(USER_STORE) private readonly users: UserStore,
    @Inject(AUTH_OPTIONS) options: AuthModuleOptions,
  ) {
    this.rule = options.USER_AUTHENTICATION_RULE ?? ((user) => users.isActive(user));
  }

  /** Whether the token carries the user id claim at all. */
  hasUserId(claims: Claims): boolean {
    return claims[this.settings.USER_ID_CLAIM] !== undefined;
  }

  /**
   * The user the claim names. A value that is neither a number nor a string (true, null, an
   * object) names nobody: never coerced, so `user_id: true` cannot log in as user 1.
   */
  async userOf(claims: Claims): Promise<object | null> {
    const id = claims[this.settings.USER_ID_CLAIM];
    if (typeof id === 'number' ? Number.isFinite(id) : typeof id === 'string') {
      return this.users.findByIdField(this.settings.USER_ID_FIELD, id as string | number);
    }
    return null;
  }

  /** USER_AUTHENTICATION_RULE: by default, the user is active. */
  isAllowed(user: object): boolean {
    return this.rule(user);
  }

  isStaff(user: object): boolean {
    return this.users.isStaff(user);
  }
}
