import { SetMetadata } from '@nestjs/common';

export const SKIP_AUTHENTICATION_METADATA = 'simple-jwt:skip-authentication';

/**
 * DRF's `authentication_classes = ()`: the route reads no credentials at all, so a stale token
 * in the Authorization header cannot get in its way. SimpleJWT's token views are declared so:
 * a client that attaches its (expired) access token to every call can still refresh.
 */
export const SkipAuthentication = () => SetMetadata(SKIP_AUTHENTICATION_METADATA, true);
