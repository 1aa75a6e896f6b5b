import { completeUtf8Length } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { ChunkStore } from './chunk-store.js';

/**
 * Bytes answered per read at most. Replies travel over NATS (1 MiB payload by default) as JSON, where a
 * control byte becomes a 6-character escape: 128 KiB of output always fits.
 */
export const MAX_OUTPUT_BYTES_PER_READ = 128 * 1024;

/**
 * How long after a container that ran ended unsealed (its executor died) chunks it published may still be on
 * their way through the stream: until then its output is not considered complete.
 */
export const UNSEALED_SETTLE_MS = 10_000;

/** What a read needs to know about the container. */
export interface OutputSource {
  containerId: number;
  /** Unix ms, null while queued or running. */
  endedAt: number | null;
  /** False for a container that ended without running (cancelled while queued, launch failed): it has no output. */
  started: boolean;
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

  async read(source: OutputSource, from: number, maxBytes = MAX_OUTPUT_BYTES_PER_READ, now = Date.now()): Promise<OutputRead> {
    const limit = Math.max(1, Math.min(maxBytes, MAX_OUTPUT_BYTES_PER_READ));
    const bytes = await this.chunks.readContiguous(source.containerId, from, limit);
    const reachedEnd = await this.isEnd(source, from + bytes.length, bytes.length < limit, now);
    // At the very end an incomplete character can never be completed: answer it (as U+FFFD) rather than stall.
    const keep = reachedEnd ? bytes.length : completeUtf8Length(bytes);
    return { text: bytes.subarray(0, keep).toString('utf8'), outputPos: from + keep, complete: reachedEnd };
  }

  private async isEnd(source: OutputSource, position: number, storedRunsOut: boolean, now: number): Promise<boolean> {
    if (source.endedAt === null) return false;
    // The runner seals the output in the same append that ends the container.
    if (source.sealedLength !== null) return position >= source.sealedLength;
    // Never sealed: it never ran, or its executor died. Then, once what it published has had time to arrive,
    // the end is whatever was stored.
    if (source.started && now - source.endedAt < UNSEALED_SETTLE_MS) return false;
    return storedRunsOut && position >= (await this.chunks.storedLength(source.containerId));
  }
}
