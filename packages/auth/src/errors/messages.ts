/** Every message a client can see, word for word as DRF and SimpleJWT send them. */
export const MESSAGES = {
  // SimpleJWT tokens
  tokenInvalid: 'Token is invalid',
  tokenExpired: 'Token is expired',
  tokenNoId: 'Token has no id',
  tokenNoType: 'Token has no type',
  tokenWrongType: 'Token has wrong type',
  tokenBlacklisted: 'Token is blacklisted',
  tokenNoClaim: (claim: string) => `Token has no '${claim}' claim`,
  tokenClaimExpired: (claim: string) => `Token '${claim}' claim has expired`,
  // SimpleJWT authentication
  noValidTokenType: 'Given token not valid for any token type',
  noUserIdentification: 'Token contained no recognizable user identification',
  userNotFound: 'User not found',
  userInactive: 'User is inactive',
  badAuthorizationHeader: 'Authorization header must contain two space-delimited values',
  noActiveAccount: 'No active account found with the given credentials',
  noActiveAccountForToken: 'No active account found for the given token.',
  // DRF
  notAuthenticated: 'Authentication credentials were not provided.',
  authenticationFailed: 'Incorrect authentication credentials.',
  permissionDenied: 'You do not have permission to perform this action.',
  notFound: 'Not found.',
  methodNotAllowed: (method: string) => `Method "${method}" not allowed.`,
  unsupportedMediaType: (type: string) => `Unsupported media type "${type}" in request.`,
  parseError: (what: string) => `JSON parse error - ${what}`,
  malformedRequest: 'Malformed request.',
  throttled: (seconds: number) =>
    `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`,
  serverError: 'A server error occurred.',
  serviceUnavailable: 'Service temporarily unavailable, try again later.',
  // DRF's SessionAuthentication, in Django's words (CsrfViewMiddleware)
  csrfFailed: (reason: string) => `CSRF Failed: ${reason}`,
  csrfBadOrigin: (origin: string) => `Origin checking failed - ${origin} does not match any trusted origins.`,
  csrfCookieNotSet: 'CSRF cookie not set.',
  csrfTokenMissing: 'CSRF token missing.',
  csrfTokenIncorrect: 'CSRF token incorrect.',
  // DRF serializers
  required: 'This field is required.',
  mayNotBeNull: 'This field may not be null.',
  mayNotBeBlank: 'This field may not be blank.',
  notAValidString: 'Not a valid string.',
  maxLength: (n: number) => `Ensure this field has no more than ${n} characters.`,
  nullCharacters: 'Null characters are not allowed.',
  surrogateCharacters: (codePoint: string) => `Surrogate characters are not allowed: ${codePoint}.`,
  expectedDictionary: (type: string) => `Invalid data. Expected a dictionary, but got ${type}.`,
  noDataProvided: 'No data provided',
  // dj-rest-auth and Django's password forms
  passwordSaved: 'New password has been saved.',
  oldPasswordIncorrect: 'Your old password was entered incorrectly. Please enter it again.',
  passwordMismatch: 'The two password fields didn’t match.',
  // ours
  incorrectPassword: 'Incorrect password.',
  requestTooLarge: 'Request body is too large.',
  headersTooLarge: 'Request header fields are too large.',
  loginLocked: (seconds: number) => `Too many failed login attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
} as const;
