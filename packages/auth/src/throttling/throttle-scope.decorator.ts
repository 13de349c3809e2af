import { SetMetadata } from '@nestjs/common';

export const THROTTLE_SCOPE_METADATA = 'simple-jwt:throttle-scope';

/**
 * DRF's `throttle_scope`: requests to this controller or handler are also limited by the rate of
 * `scope` in THROTTLE_RATES (per user when authenticated, per client address otherwise).
 */
export const ThrottleScope = (scope: string) => SetMetadata(THROTTLE_SCOPE_METADATA, scope);

/**
 * DRF's `throttle_classes = []`: requests to this controller or handler are never throttled, by
 * no scope (health probes, which a load balancer or the kubelet sends from one address).
 */
export const NoThrottle = () => SetMetadata(THROTTLE_SCOPE_METADATA, false);
