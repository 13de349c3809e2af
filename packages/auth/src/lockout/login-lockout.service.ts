import { Inject, Injectable } from '@nestjs/common';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { eventOrigin, type ClientInfo } from '../authentication/client-info.js';
import { LoginLocked } from '../errors/exceptions.js';
import { AuthEvents } from '../events/auth-events.js';
import { LoginFailureRepository, type LockoutLimits } from './login-failure.repository.js';

/**
 * Login lockout in the manner of django-axes, on Auth0's model: failed logins are counted per
 * (username, client address) and per address; a pair or address over its limit within
 * LOGIN_FAILURE_WINDOW is answered 429 for LOGIN_COOLOFF without its password being checked.
 */
@Injectable()
export class LoginLockout {
  private readonly limits: LockoutLimits;
  private readonly on: boolean;

  constructor(
    @Inject(SIMPLE_JWT) settings: ResolvedSettings,
    private readonly failures: LoginFailureRepository,
    private readonly events: AuthEvents,
  ) {
    this.limits = {
      pairLimit: settings.LOGIN_FAILURE_LIMIT,
      addressLimit: settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS,
      window: settings.LOGIN_FAILURE_WINDOW,
      cooloff: settings.LOGIN_COOLOFF,
    };
    this.on = this.limits.pairLimit > 0 || this.limits.addressLimit > 0;
  }

  /** Before the password is checked: a locked pair or address is refused at once. */
  async assertAllowed(username: string, client: ClientInfo): Promise<void> {
    if (!this.on) return;
    const wait = await this.failures.lockedFor(username, client.ip, this.limits);
    if (wait !== null) throw new LoginLocked(wait);
  }

  /** After a refused login: counted. The failure that reaches a limit (or meets a lock set meanwhile) is refused with 429. */
  async failed(username: string, client: ClientInfo): Promise<void> {
    if (!this.on) return;
    const outcome = await this.failures.countFailure(username, client.ip, this.limits);
    if (outcome.kind === 'counted') return;
    for (const scope of outcome.lockedNow) this.events.record({ event: 'login_locked', username, reason: scope, ...eventOrigin(client) });
    throw new LoginLocked(outcome.wait);
  }

  /** After a successful login: the pair starts afresh. */
  async succeeded(username: string, client: ClientInfo): Promise<void> {
    if (this.limits.pairLimit > 0) await this.failures.reset(username, client.ip);
  }
}
