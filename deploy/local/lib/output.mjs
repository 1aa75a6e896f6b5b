/**
 * Interleaved output of several processes, one line at a time, each prefixed with its
 * source's name (`registry | …`), coloured when the terminal supports it.
 */
const PALETTE = [36, 35, 33, 32, 34, 91, 96, 95];

export function createOutput({ sources, stream = process.stdout, color = Boolean(stream.isTTY) && !process.env.NO_COLOR }) {
  const width = Math.max(...sources.map((s) => s.length));
  const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const prefixes = new Map(sources.map((s, i) => [s, paint(PALETTE[i % PALETTE.length], `${s.padEnd(width)} |`)]));

  return {
    color,
    /** Writes one line (or several, split on newlines) attributed to `source`. */
    line(source, text) {
      const prefix = prefixes.get(source) ?? `${source.padEnd(width)} |`;
      for (const line of String(text).split(/\r?\n/)) stream.write(`${prefix} ${line}\n`);
    },
    /** Writes text as is (the ready banner). */
    raw(text) {
      stream.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    bold: (text) => paint(1, text),
    red: (text) => paint(31, text),
  };
}
