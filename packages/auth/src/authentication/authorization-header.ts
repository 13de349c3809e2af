import { AuthenticationFailed } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';

/** The part of a request the header parser reads (Fastify's and Express's requests both fit). */
export interface RequestWithHeaders {
  headers: Record<string, string | string[] | undefined>;
  raw?: { headersDistinct?: Record<string, string[] | undefined> };
  headersDistinct?: Record<string, string[] | undefined>;
}

/** Anything but visible ASCII, space and tab: no scheme or token has it (a token is base64url). */
const NOT_ASCII = /[^\x20-\x7e\t]/;
/** HTTP's whitespace (RFC 9110 OWS): space and tab only; JavaScript's \s would also split on U+00A0 and friends. */
const HTTP_WHITESPACE = /[ \t]+/;

/**
 * The raw token from the configured header, as SimpleJWT's `get_raw_token` reads it: null when
 * there is no header or its scheme is not a configured type (the request carries no credentials);
 * `bad_authorization_header` for a lone scheme, more than two parts, the header sent twice, or a
 * header of a configured type holding anything but ASCII (a no-break space after `Bearer`).
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
  if (NOT_ASCII.test(value)) {
    const scheme = value.replace(/^[ \t]+/, '');
    if (headerTypes.some((type) => scheme.startsWith(type))) throw badHeader();
    return null;
  }
  // Printable ASCII, space and tab only from here: trim() removes exactly HTTP's whitespace.
  const parts = value.trim().split(HTTP_WHITESPACE);
  if (!headerTypes.includes(parts[0])) return null;
  if (parts.length !== 2) throw badHeader();
  return parts[1];
}

function badHeader(): AuthenticationFailed {
  return new AuthenticationFailed(MESSAGES.badAuthorizationHeader, 'bad_authorization_header');
}
