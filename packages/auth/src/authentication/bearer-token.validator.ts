import { Inject, Injectable } from '@nestjs/common';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { BlacklistRepository } from '../blacklist/blacklist.repository.js';
import { AuthenticationFailed, InvalidToken, type TokenMessage } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { TokenError } from '../tokens/token-error.js';
import { TokenService } from '../tokens/token.service.js';
import { TOKEN_TYPE_OF, type Claims } from '../tokens/token-types.js';
import { UserResolver } from './user-resolver.service.js';

/**
 * What SimpleJWT's JWTAuthentication does once the signature is good: the claims must fit one
 * of AUTH_TOKEN_CLASSES (one message per class otherwise), and must name an allowed user.
 */
@Injectable()
export class BearerTokenValidator {
  constructor(
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
    private readonly tokens: TokenService,
    private readonly resolver: UserResolver,
    private readonly blacklist: BlacklistRepository,
  ) {}

  async userFor(claims: Claims): Promise<object> {
    await this.validated(claims);
    if (!this.resolver.hasUserId(claims)) throw new InvalidToken(MESSAGES.noUserIdentification);
    if (this.settings.AUTHENTICATION_CLASS === 'JWTStatelessUserAuthentication') {
      if (!this.resolver.isIdValue(claims)) throw new InvalidToken(MESSAGES.noUserIdentification);
      return this.resolver.tokenUser(claims);
    }
    const user = await this.resolver.userOf(claims);
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

  private async validated(claims: Claims): Promise<void> {
    const messages: TokenMessage[] = [];
    for (const tokenClass of this.settings.AUTH_TOKEN_CLASSES) {
      const type = TOKEN_TYPE_OF[tokenClass];
      try {
        this.tokens.checkClaims(claims, type);
        // Sliding tokens carry BlacklistMixin in SimpleJWT: a logged-out one is refused here too.
        if (type === 'sliding' && (await this.blacklist.isBlacklisted(this.tokens.jtiOf(claims)))) {
          throw new TokenError(MESSAGES.tokenBlacklisted);
        }
        return;
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        messages.push({ token_class: tokenClass, token_type: type, message: error.message });
      }
    }
    throw new InvalidToken(MESSAGES.noValidTokenType, messages);
  }
}
