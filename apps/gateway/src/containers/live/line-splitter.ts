/** Bytes of the UTF-8 character a lead byte starts (0 for a continuation byte, 1 for ASCII or an invalid byte). */
function charLength(byte: number): number {
  if ((byte & 0xc0) === 0x80) return 0;
  if ((byte & 0xe0) === 0xc0) return 2;
  if ((byte & 0xf0) === 0xe0) return 3;
  if ((byte & 0xf8) === 0xf0) return 4;
  return 1;
}

/** How many trailing bytes of `bytes` are the start of a character the next chunk will complete. */
export function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const length = charLength(bytes[bytes.length - back]!);
    if (length === 0) continue;
    return length > back ? back : 0;
  }
  return 0;
}

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

  /** At the end of the output: bytes of a character that will never be completed (as U+FFFD). */
  flush(end: number): OutputLine[] {
    if (!this.carry.length) return [];
    const text = this.carry.toString('utf8');
    this.carry = Buffer.alloc(0);
    return [{ text, end, newline: false }];
  }
}
