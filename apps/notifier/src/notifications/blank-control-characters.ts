/**
 * Text an org or a script chose, made safe for a mail header, a mail body or a Slack line: every control
 * character (C0 and DEL) becomes a space, except line breaks when `keepLineBreaks` (bodies). Written
 * without a regular expression over control characters (the lint rule forbids them as usually a mistake).
 */
export function blankControlCharacters(text: string, keepLineBreaks = false): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const control = code < 0x20 || code === 0x7f;
    out += control && !(keepLineBreaks && (ch === '\n' || ch === '\t')) ? ' ' : ch;
  }
  return out;
}
