import { oneLine } from './text.js';

/** Colours only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function colourEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!stream.isTTY && !('NO_COLOR' in env && env['NO_COLOR'] !== undefined) && env['TERM'] !== 'dumb';
}

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
}

const wrap = (on: boolean, open: number, close: number) => (text: string) => (on ? `\u001b[${open}m${text}\u001b[${close}m` : text);

export function styleFor(stream: NodeJS.WriteStream): Style {
  const on = colourEnabled(stream);
  return { bold: wrap(on, 1, 22), dim: wrap(on, 2, 22), red: wrap(on, 31, 39), green: wrap(on, 32, 39) };
}

export const printJson = (value: unknown): void => void process.stdout.write(JSON.stringify(value, null, 2) + '\n');

/** A plain table: columns padded to their widest cell; cells made one line (no terminal escapes from data). */
export function printTable(headers: string[], rows: unknown[][]): void {
  const style = styleFor(process.stdout);
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : oneLine(String(cell), 60))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  process.stdout.write(style.bold(line(headers)) + '\n');
  for (const row of cells) process.stdout.write(line(row) + '\n');
}

export const formatTime = (ms: unknown): string => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : '-');
