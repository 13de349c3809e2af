import { isUtf8 } from 'node:buffer';

/** What parseStrictJson answers for bytes that are not strict JSON (JSON itself has no undefined). */
export const NOT_STRICT_JSON = undefined;

/** A lone UTF-16 surrogate: a high one not followed by a low one, or a low one without a high one before it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * The JSON value `bytes` hold, or undefined when they are not strict JSON (RFC 8259 I-JSON,
 * RFC 7493): invalid UTF-8, a lone surrogate spelled as an escape, or a member name twice in
 * one object. JSON.parse alone keeps the last of two members silently, so two parsers could
 * read one token two ways; and it turns broken UTF-8 into U+FFFD.
 */
export function parseStrictJson(bytes: Buffer): unknown {
  if (!isUtf8(bytes)) return NOT_STRICT_JSON;
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NOT_STRICT_JSON;
  }
  return isStrict(text) ? value : NOT_STRICT_JSON;
}

/**
 * Walks JSON text that JSON.parse already accepted: every member name must be new in its
 * object, and every string with an escape must decode to well-formed UTF-16. The walk only
 * follows strings and brackets; the syntax is known to be right.
 */
export function isStrict(text: string): boolean {
  // One entry per open container: the member names seen so far (objects) or null (arrays).
  const open: (string[] | null)[] = [];
  let nameNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (let d = text.charCodeAt(end); d !== QUOTE; d = text.charCodeAt(end)) {
        if (d === BACKSLASH) {
          escaped = true;
          end += 2;
        } else {
          end++;
        }
      }
      // Only names and escaped strings are looked at: plain values need no copy.
      if (escaped || nameNext) {
        const value = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        if (escaped && LONE_SURROGATE.test(value)) return false;
        if (nameNext) {
          const names = open[open.length - 1]!;
          // A token's objects hold a handful of members: a list beats a Set; the 8 KiB token bound caps the worst case.
          if (names.includes(value)) return false;
          names.push(value);
          nameNext = false;
        }
      }
      i = end;
    } else if (c === OPEN_OBJECT) {
      open.push([]);
      nameNext = true;
    } else if (c === OPEN_ARRAY) {
      open.push(null);
      nameNext = false;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      open.pop();
      nameNext = false;
    } else if (c === COMMA) {
      nameNext = open.length > 0 && open[open.length - 1] !== null;
    }
  }
  return true;
}
