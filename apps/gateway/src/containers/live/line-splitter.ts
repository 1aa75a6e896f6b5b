import { completeUtf8Length } from '@agentry/contracts';

/** How many trailing bytes of `bytes` are the start of a character the next chunk will complete. */
export const incompleteTail = (bytes: Uint8Array): number => bytes.length - completeUtf8Length(bytes);

/** A piece of console output as text: a whole line (`newline`) or the part of one received so far. */
export interface OutputLine {
  /** The text without its line feed. */
  text: string;
  /** Byte offset just past this piece (past its line feed when `newline`): where a resumed read starts. */
  end: number;
  newline: boolean;
}

/**
 * Cuts a container's console bytes, arriving in chunks at known offsets, into lines. A chunk
 * ending mid-line gives that partial line at once (a watcher sees output as it comes); a chunk
 * ending inside a multi-byte character keeps those bytes for the next one, so text is never
 * garbled and every `end` is a position a resumed read can start from.
 */
export class LineSplitter {
  private carry: Buffer = Buffer.alloc(0);

  /** `from`: offset of `bytes`' first byte; contiguous with what was pushed before. */
  push(from: number, bytes: Buffer): OutputLine[] {
    const buffer = this.carry.length ? Buffer.concat([this.carry, bytes]) : bytes;
    const start = from - this.carry.length;
    const lines: OutputLine[] = [];
    let lineStart = 0;
    for (let nl = buffer.indexOf(0x0a); nl !== -1; nl = buffer.indexOf(0x0a, lineStart)) {
      lines.push({ text: buffer.toString('utf8', lineStart, nl), end: start + nl + 1, newline: true });
      lineStart = nl + 1;
    }
    const rest = buffer.subarray(lineStart);
    const keep = rest.length - incompleteTail(rest);
    if (keep > 0) lines.push({ text: rest.toString('utf8', 0, keep), end: start + lineStart + keep, newline: false });
    this.carry = Buffer.from(rest.subarray(keep));
    return lines;
  }

  /** True when no bytes wait for the next chunk: what comes next is cut into lines exactly as a fresh splitter would. */
  get idle(): boolean {
    return this.carry.length === 0;
  }

  /** At the end of the output: bytes of a character that will never be completed (as U+FFFD). */
  flush(end: number): OutputLine[] {
    if (!this.carry.length) return [];
    const text = this.carry.toString('utf8');
    this.carry = Buffer.alloc(0);
    return [{ text, end, newline: false }];
  }
}
