import { validationFailed, type FieldError } from '@agentry/contracts';

/**
 * Text a client sends must be text the platform can store unchanged. Two kinds of bytes are not:
 * - NUL: Postgres refuses it in `text` and `jsonb` (the registry answered 500), and lone UTF-16
 *   surrogates (`"\ud800"` in JSON) which `jsonb` refuses too;
 * - invalid UTF-8 (`%FF`, overlong `%C0%AE`, truncated sequences): Node's decoders silently turn it
 *   into U+FFFD, so the stored value would differ from what the client sent.
 * Both answer 400 naming the field, checked once at the edge for the path, the query string, the
 * key headers and the bodies.
 */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export const NOT_UTF8 = 'is not valid UTF-8';
export const HAS_NUL = 'contains a NUL character';
export const LONE_SURROGATE = 'contains an unpaired UTF-16 surrogate';
const LONE_SURROGATE_PATTERN = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Decodes percent-escapes (and `+` as a space in form encoding) into bytes; a malformed escape stays literal, as in `querystring`. */
function percentBytes(raw: string, plusIsSpace: boolean): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 /* % */ && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 0x2b /* + */ && plusIsSpace) {
      bytes.push(0x20);
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // A raw non-ASCII character: `raw` holds one byte per char when it comes from a body read as
      // latin1, so its char code is the byte. (URLs reach Node as ASCII only.)
      bytes.push(c & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** The problem with a decoded string, if any. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return HAS_NUL;
  if (LONE_SURROGATE_PATTERN.test(text)) return LONE_SURROGATE;
  return undefined;
}

/** Percent-decodes one URL or form component as strict UTF-8: the text, or what is wrong with it. */
export function decodeComponent(raw: string, plusIsSpace = false): { text: string } | { problem: string } {
  let text: string;
  try {
    text = strictUtf8.decode(percentBytes(raw, plusIsSpace));
  } catch {
    return { problem: NOT_UTF8 };
  }
  const problem = textProblem(text);
  return problem ? { problem } : { text };
}

/** A name safe to echo back in an error: invalid bytes replaced, NUL shown as `\0`. */
function printableName(raw: string, plusIsSpace: boolean): string {
  return (
    percentBytes(raw, plusIsSpace)
      .toString('utf8')
      // eslint-disable-next-line no-control-regex -- finding NUL is the point: it is shown as `\0`
      .replace(/\u0000/g, '\\0')
      .slice(0, 100)
  );
}

/** `a=1&b=2` (query string or form body) → problems per field, and the decoded pairs. */
export function decodePairs(raw: string, plusIsSpace: boolean): { pairs: [string, string][]; problems: FieldError[] } {
  const pairs: [string, string][] = [];
  const problems: FieldError[] = [];
  if (!raw) return { pairs, problems };
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const name = decodeComponent(rawName, plusIsSpace);
    if ('problem' in name) {
      problems.push({ field: printableName(rawName, plusIsSpace), message: `name ${name.problem}` });
      continue;
    }
    const value = decodeComponent(rawValue, plusIsSpace);
    if ('problem' in value) problems.push({ field: name.text, message: value.problem });
    else pairs.push([name.text, value.text]);
  }
  return { pairs, problems };
}

/** Problems in the raw path (`/api/v1/script/a%00.js`) and query string of a request URL. */
export function urlProblems(url: string): FieldError[] {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const problems: FieldError[] = [];
  for (const segment of path.split('/')) {
    const decoded = decodeComponent(segment);
    if ('problem' in decoded) {
      problems.push({ field: 'path', message: decoded.problem });
      break;
    }
  }
  if (q >= 0) problems.push(...decodePairs(url.slice(q + 1), true).problems);
  return problems;
}

/** Every string (keys included) of a parsed JSON body; fields named by their dotted path. */
export function jsonProblems(value: unknown, path = ''): FieldError[] {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? [{ field: path || 'body', message: problem }] : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  const problems: FieldError[] = [];
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [key, inner] of entries) {
    const keyProblem = textProblem(key);
    const field = path ? `${path}.${keyProblem ? '?' : key}` : keyProblem ? '?' : key;
    if (keyProblem) problems.push({ field, message: `name ${keyProblem}` });
    else problems.push(...jsonProblems(inner, field));
    if (problems.length >= 10) break;
  }
  return problems;
}

/** Throws VALIDATION_FAILED (400) listing the problems, if any. */
export function refuse(problems: FieldError[]): void {
  if (problems.length) throw validationFailed(problems.slice(0, 10));
}

/**
 * Deepest nesting a JSON body may have. Parsing, walking and re-encoding a value are recursive
 * (V8's JSON.stringify, our checks, Postgres' jsonb), so 300,000 nested `[` in a 600 KB body
 * overflowed the stack: a 500. No parameter of the API needs more than a few levels.
 */
export const MAX_JSON_DEPTH = 100;

/** True when the JSON text nests deeper than `max` (one linear scan, before any parsing). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

/** The body's bytes as strict UTF-8 text, or 400 naming `body`. */
export function bodyText(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw validationFailed([{ field: 'body', message: NOT_UTF8 }]);
  }
}
