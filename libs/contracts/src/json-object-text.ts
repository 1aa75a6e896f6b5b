import { validationFailed } from './errors.js';

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

/**
 * The JSON text of an object (not an array, scalar or null), at most `maxBytes` of UTF-8: what a
 * run's script saves as its agent object or its org's global object. Answers the text as given;
 * throws VALIDATION_FAILED naming `field` otherwise. The size is checked before parsing, so an
 * oversized text costs no parse.
 */
export function checkJsonObjectText(text: unknown, field: string, maxBytes: number): string {
  const fail = (message: string) => validationFailed([{ field, message }]);
  if (typeof text !== 'string') throw fail('must be the JSON text of an object');
  if (utf8Bytes(text) > maxBytes) throw fail(`must be at most ${maxBytes} bytes of JSON`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail('is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('must be a JSON object');
  return text;
}
