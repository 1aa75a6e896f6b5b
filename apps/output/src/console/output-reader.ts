import { Injectable } from '@nestjs/common';
import { ChunkStore } from './chunk-store.js';
import { completeUtf8Length } from './utf8-boundary.js';

/**
 * Bytes answered per read at most. Replies travel over NATS (1 MiB payload by default) as JSON, where a
 * control byte becomes a 6-character escape: 128 KiB of output always fits.
 */
export const MAX_OUTPUT_BYTES_PER_READ = 128 * 1024;

/** What a read needs to know about the container. */
export interface OutputSource {
  containerId: number;
  ended: boolean;
  /** Final length written by the runner once every byte was published; null before (or never, if its executor died). */
  sealedLength: number | null;
}

export interface OutputRead {
  /** UTF-8 text of bytes [from, outputPos). */
  text: string;
  outputPos: number;
  /** The container ended and outputPos is the end of its output. */
  complete: boolean;
}

/**
 * Console output as text for pollers: a read never ends inside a multi-byte character (it stops before
 * it; the next read, starting at `outputPos`, gets it whole), so concatenating successive reads gives the
 * exact output, every byte once.
 */
@Injectable()
export class OutputReader {
  constructor(private readonly chunks: ChunkStore) {}

  async read(source: OutputSource, from: number, maxBytes = MAX_OUTPUT_BYTES_PER_READ): Promise<OutputRead> {
    const limit = Math.max(1, Math.min(maxBytes, MAX_OUTPUT_BYTES_PER_READ));
    const bytes = await this.chunks.readContiguous(source.containerId, from, limit);
    const reachedEnd = source.ended && (await this.isEnd(source, from + bytes.length, bytes.length < limit));
    // At the very end an incomplete character can never be completed: answer it (as U+FFFD) rather than stall.
    const keep = reachedEnd ? bytes.length : completeUtf8Length(bytes);
    return { text: bytes.subarray(0, keep).toString('utf8'), outputPos: from + keep, complete: reachedEnd };
  }

  private async isEnd(source: OutputSource, position: number, storedRunsOut: boolean): Promise<boolean> {
    if (source.sealedLength !== null) return position >= source.sealedLength;
    // Never sealed (its executor died): the end is whatever was stored.
    return storedRunsOut && position >= (await this.chunks.storedLength(source.containerId));
  }
}
