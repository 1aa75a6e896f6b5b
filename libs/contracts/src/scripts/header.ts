/**
 * A script's header lines: the classic platform's directives, written as whole lines near the top
 * of a script in any of three forms —
 *
 *   'phantombuster dependencies: lib-A.js, lib-B.js'
 *   "phantom image: web-node:v1";
 *   // phantombuster flags: save-folder
 *
 * (a string statement in either quote, `;` optional, or a line comment). The one parser for all of
 * them: the registry reads `phantombuster dependencies`, the executor `phantombuster package` /
 * `phantom image` and `phantombuster flags` (handed to the runtime). A header quoted inside other
 * code (`const s = "'phantom image: x'"`) is no header: only whole lines count.
 */

/** Headers sit at the top: a script's first 64 Ki characters are read for them. */
export const HEADER_SCAN_CHARS = 64 * 1024;

/** The directives this platform acts on (others, e.g. `phantombuster command`, are read and ignored). */
export type ScriptHeaderKey = 'phantombuster dependencies' | 'phantombuster package' | 'phantom image' | 'phantombuster flags';

export interface ScriptHeaderLine {
  key: string;
  /** The text after the colon, trimmed. */
  value: string;
}

const KEY = String.raw`phantombuster [a-z]+|phantom image`;
/** Group 2/3: key/value of the quoted form; group 4/5: of the comment form. */
const HEADER_LINE = new RegExp(String.raw`^[ \t]*(?:(['"])[ \t]*(${KEY})[ \t]*:([^'"\n]*)\1[ \t]*;?|\/\/[ \t]*(${KEY})[ \t]*:([^\n]*))[ \t]*\r?$`, 'gm');

/** Every header line of a script, in order. */
export function scriptHeaderLines(scriptText: string): ScriptHeaderLine[] {
  const lines: ScriptHeaderLine[] = [];
  for (const match of scriptText.slice(0, HEADER_SCAN_CHARS).matchAll(HEADER_LINE)) {
    lines.push({ key: (match[2] ?? match[4])!, value: (match[3] ?? match[5] ?? '').trim() });
  }
  return lines;
}

/** The values of one directive's lines, in order. */
export function scriptHeaderValues(scriptText: string, key: ScriptHeaderKey): string[] {
  return scriptHeaderLines(scriptText)
    .filter((line) => line.key === key)
    .map((line) => line.value);
}

/** The items of one directive's lines split on `separator`, trimmed, in order, without repeats or empties. */
export function scriptHeaderList(scriptText: string, key: ScriptHeaderKey, separator: RegExp = /,/): string[] {
  const items = new Set<string>();
  for (const value of scriptHeaderValues(scriptText, key)) {
    for (const item of value.split(separator)) if (item.trim()) items.add(item.trim());
  }
  return [...items];
}

/** `'phantombuster flags: save-folder, other'`: the flags set (comma or space separated). */
export function scriptFlags(scriptText: string): Set<string> {
  return new Set(scriptHeaderList(scriptText, 'phantombuster flags', /[\s,]+/));
}
