import { Inject, Injectable } from '@nestjs/common';
import { AUTH_OPTIONS } from '../auth.module-definition.js';
import type { AuthModuleOptions } from '../auth.options.js';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import type { Claims } from '../tokens/token-types.js';
import { TokenUser, type TokenUserClass } from './token-user.js';
import { USER_STORE, type UserStore } from './user-store.js';

/** Finds the user a token names, and applies USER_AUTHENTICATION_RULE. */
@Injectable()
export class UserResolver {
  private readonly rule: (user: object) => boolean;
  private readonly tokenUserClass: TokenUserClass;

  constructor(
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
    @Inject(USER_STORE) private readonly users: UserStore,
    @Inject(AUTH_OPTIONS) options: AuthModuleOptions,
  ) {
    this.rule = options.USER_AUTHENTICATION_RULE ?? ((user) => users.isActive(user));
    this.tokenUserClass = options.TOKEN_USER_CLASS ?? TokenUser;
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
    if (!this.isIdValue(claims)) return null;
    return this.users.findByIdField(this.settings.USER_ID_FIELD, claims[this.settings.USER_ID_CLAIM] as string | number);
  }

  /** Whether the user id claim holds something that can be an id: a finite number or a string. */
  isIdValue(claims: Claims): boolean {
    const id = claims[this.settings.USER_ID_CLAIM];
    return typeof id === 'number' ? Number.isFinite(id) : typeof id === 'string';
  }

  /** The user the claims describe, without a lookup (JWTStatelessUserAuthentication). */
  tokenUser(claims: Claims): object {
    return new this.tokenUserClass(claims, this.settings.USER_ID_CLAIM);
  }

  isTokenUser(user: object): user is InstanceType<TokenUserClass> {
    return user instanceof this.tokenUserClass;
  }

  /** USER_AUTHENTICATION_RULE: by default, the user is active. A token user always is. */
  isAllowed(user: object): boolean {
    return this.isTokenUser(user) || this.rule(user);
  }

  isStaff(user: object): boolean {
    return this.isTokenUser(user) ? user.isStaff : this.users.isStaff(user);
  }

  /** The user's USER_ID_FIELD value, as tokens carry it. */
  idOf(user: object): string | number {
    return this.isTokenUser(user) ? user.id : this.users.getIdField(user, this.settings.USER_ID_FIELD);
  }
}
