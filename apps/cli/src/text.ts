/** One printable line: no control characters (a server or script cannot drive the terminal), bounded. */
export const oneLine = (value: string, max = 300): string => {
  const flat = value
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * A script's console output made safe for a terminal: its escape sequences and other control
 * characters (but line feeds and tabs) are dropped, so an agent cannot rewrite the screen, set
 * the window title or the clipboard of the person watching it. Piped output is left as printed.
 */
export const terminalSafe = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
