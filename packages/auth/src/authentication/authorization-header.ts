import { AuthenticationFailed } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';

/** The part of a request the header parser reads (Fastify's and Express's requests both fit). */
export interface RequestWithHeaders {
  headers: Record<string, string | string[] | undefined>;
  raw?: { headersDistinct?: Record<string, string[] | undefined> };
  headersDistinct?: Record<string, string[] | undefined>;
}

/**
 * The raw token from the configured header, as SimpleJWT's `get_raw_token` reads it: null when
 * there is no header or its scheme is not a configured type (the request carries no credentials);
 * `bad_authorization_header` for a lone scheme, more than two parts, or the header sent twice.
 */
export function rawTokenFrom(
  request: RequestWithHeaders,
  headerName: string,
  headerTypes: readonly string[],
): string | null {
  const value = request.headers[headerName];
  if (value === undefined) return null;
  // Node keeps only the first of repeated Authorization headers; the distinct list shows them all.
  const distinct = (request.raw?.headersDistinct ?? request.headersDistinct)?.[headerName];
  if (Array.isArray(value) || (distinct !== undefined && distinct.length > 1)) throw badHeader();
  const parts = value.trim().split(/\s+/);
  if (!headerTypes.includes(parts[0])) return null;
  if (parts.length !== 2) throw badHeader();
  return parts[1];
}

function badHeader(): AuthenticationFailed {
  return new AuthenticationFailed(MESSAGES.badAuthorizationHeader, 'bad_authorization_header');
}
