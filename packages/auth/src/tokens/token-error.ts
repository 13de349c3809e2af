/**
 * SimpleJWT's TokenError: a token that cannot be used, with the sentence the client sees.
 * Endpoints turn it into InvalidToken (401); authentication collects one per token class.
 */
export class TokenError extends Error {
  override readonly name = 'TokenError';
}
