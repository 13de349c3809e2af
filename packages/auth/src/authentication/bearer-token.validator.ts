import { Inject, Injectable } from '@nestjs/common';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { BlacklistRepository } from '../blacklist/blacklist.repository.js';
import { AuthenticationFailed, InvalidToken, type TokenMessage } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { sessionIdOf } from '../sessions/session-id.js';
import { SessionUsers } from '../sessions/session-users.service.js';
import { TokenError } from '../tokens/token-error.js';
import { TokenService } from '../tokens/token.service.js';
import { TOKEN_TYPE_OF, type Claims, type TokenType } from '../tokens/token-types.js';
import { UserResolver } from './user-resolver.service.js';

/**
 * What SimpleJWT's JWTAuthentication does once the signature is good: the claims must fit one
 * of AUTH_TOKEN_CLASSES (one message per class otherwise), and must name an allowed user. In
 * database mode the token's session must be live too, checked in the user's own lookup.
 */
@Injectable()
export class BearerTokenValidator {
  constructor(
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
    private readonly tokens: TokenService,
    private readonly resolver: UserResolver,
    private readonly blacklist: BlacklistRepository,
    private readonly sessionUsers: SessionUsers,
  ) {}

  async userFor(claims: Claims): Promise<object> {
    const type = this.acceptedType(claims);
    const sid = sessionIdOf(claims);
    // A sliding token from before sessions carries SimpleJWT's BlacklistMixin: a logged-out one is refused.
    if (type === 'sliding' && sid === null && (await this.blacklist.isBlacklisted(this.tokens.jtiOf(claims)))) {
      throw this.invalidForEveryClass(MESSAGES.tokenBlacklisted);
    }
    if (!this.resolver.hasUserId(claims)) throw new InvalidToken(MESSAGES.noUserIdentification);
    if (this.settings.AUTHENTICATION_CLASS === 'JWTStatelessUserAuthentication') {
      if (!this.resolver.isIdValue(claims)) throw new InvalidToken(MESSAGES.noUserIdentification);
      return this.resolver.tokenUser(claims);
    }
    let user: object | null;
    if (sid === null) {
      user = await this.resolver.userOf(claims);
    } else {
      const found = await this.sessionUsers.userInSession(claims, sid);
      if (!found.live) throw this.invalidForEveryClass(MESSAGES.tokenBlacklisted);
      user = found.user;
    }
    if (user === null) throw new AuthenticationFailed(MESSAGES.userNotFound, 'user_not_found');
    if (!this.resolver.isAllowed(user)) throw new AuthenticationFailed(MESSAGES.userInactive, 'user_inactive');
    return user;
  }

  /** The 401 for a token no class accepts, with one line per class, each saying `message`. */
  invalidForEveryClass(message: string): InvalidToken {
    return new InvalidToken(
      MESSAGES.noValidTokenType,
      this.settings.AUTH_TOKEN_CLASSES.map((tokenClass) => ({
        token_class: tokenClass,
        token_type: TOKEN_TYPE_OF[tokenClass],
        message,
      })),
    );
  }

  /** The type of the first of AUTH_TOKEN_CLASSES whose checks the claims pass; else every class's complaint. */
  private acceptedType(claims: Claims): TokenType {
    const messages: TokenMessage[] = [];
    for (const tokenClass of this.settings.AUTH_TOKEN_CLASSES) {
      const type = TOKEN_TYPE_OF[tokenClass];
      try {
        this.tokens.checkClaims(claims, type);
        return type;
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        messages.push({ token_class: tokenClass, token_type: type, message: error.message });
      }
    }
    throw new InvalidToken(MESSAGES.noValidTokenType, messages);
  }
}
