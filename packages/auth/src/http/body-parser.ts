import { ParseError, UnsupportedMediaType } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { strictJsonProblem } from '../tokens/strict-json.js';
import { UnreadableBody } from '../validation/unreadable-body.js';

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * A request body as DRF's parsers read it: JSON (any case, any charset parameter; unlike DRF, a
 * member name given twice in one object is a parse error) and urlencoded forms; an empty body
 * is `{}` whatever its type. Anything unreadable becomes an UnreadableBody, which fails the
 * request only when the handler reads its body (DRF parses `request.data` lazily, so
 * authentication and permissions answer first).
 */
export function parseBody(contentType: string, body: Buffer): unknown {
  if (body.length === 0) return {};
  if (JSON_TYPE.test(contentType)) return parseJson(body, CHARSET.exec(contentType)?.[1] ?? 'utf-8');
  if (FORM_TYPE.test(contentType)) return parseForm(body.toString('utf8'));
  return new UnreadableBody(new UnsupportedMediaType(contentType));
}

function parseJson(body: Buffer, charset: string): unknown {
  let text: string;
  try {
    text = new TextDecoder(charset, { fatal: true }).decode(body);
  } catch (error) {
    const what = error instanceof RangeError ? `unknown encoding: ${charset}` : `'${charset}' codec can't decode the body`;
    return new UnreadableBody(new ParseError(MESSAGES.parseError(what)));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new UnreadableBody(new ParseError(MESSAGES.parseError((error as Error).message)));
  }
  // JSON.parse keeps the last of two members silently: a proxy or log reading the first would see another request.
  const problem = strictJsonProblem(text, false);
  if (problem !== null && 'duplicate' in problem) {
    return new UnreadableBody(new ParseError(MESSAGES.parseError(`duplicate member name ${JSON.stringify(problem.duplicate)}`)));
  }
  return value;
}

/** A form as Django's QueryDict reads it: the last value of a repeated key wins. */
function parseForm(text: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key !== '__proto__') form[key] = value;
  }
  return form;
}
