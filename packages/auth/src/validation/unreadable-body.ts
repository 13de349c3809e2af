import type { ApiException } from '../errors/exceptions.js';

/**
 * A body that could not be parsed (an unsupported media type, malformed JSON). It is raised when
 * a handler reads the body, not before, as DRF parses `request.data` lazily: authentication and
 * permissions answer first, and a route that never reads its body never fails on it.
 */
export class UnreadableBody {
  constructor(readonly error: ApiException) {}
}
