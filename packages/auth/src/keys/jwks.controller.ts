import { Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { SkipAuthentication } from '../authentication/skip-authentication.decorator.js';
import { NotFound } from '../errors/exceptions.js';
import { Public } from '../permissions/permissions.decorator.js';
import type { PublicJwk } from './jwk.js';

/** What Fastify's reply and Express's response both have for setting a header. */
interface ReplyWithHeader {
  header(name: string, value: string): unknown;
}

/**
 * `GET /.well-known/jwks.json` (the module's `jwksPath`): the public keys that verify this
 * server's tokens, the current one and those on standby or retiring, so other services verify
 * them without a shared secret. Cacheable for JWKS_MAX_AGE. With HMAC only there is nothing
 * public to show: 404.
 */
@ApiTags('token')
@SkipAuthentication()
@Public()
export class JwksController {
  private readonly body: { keys: PublicJwk[] };
  private readonly cacheControl: string;

  constructor(@Inject(SIMPLE_JWT) settings: ResolvedSettings) {
    this.body = settings.KEYS.publicJwks();
    this.cacheControl = `public, max-age=${settings.JWKS_MAX_AGE}`;
  }

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'The public keys that verify tokens (JWKS, RFC 7517)' })
  @ApiOkResponse({ description: '{"keys": [{"kty", "use": "sig", "alg", "kid", ...}]}' })
  @ApiNotFoundResponse({ description: 'HMAC only: no public key to publish' })
  jwks(@Res({ passthrough: true }) reply: ReplyWithHeader): { keys: PublicJwk[] } {
    if (this.body.keys.length === 0) throw new NotFound();
    reply.header('Content-Type', 'application/jwk-set+json');
    reply.header('Cache-Control', this.cacheControl);
    return this.body;
  }
}
