import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';

/**
 * Gzipped NDJSON, one record per line, written to `<path>.partial` and renamed to `path` only once flushed
 * to disk (fsync before close): a file under its final name is always complete.
 */
export class ArchiveWriter {
  private constructor(
    private readonly path: string,
    private readonly gzip: Gzip,
    private readonly written: Promise<void>,
  ) {}

  static async create(path: string): Promise<ArchiveWriter> {
    await mkdir(dirname(path), { recursive: true });
    const gzip = createGzip();
    const file: WriteStream = createWriteStream(`${path}.partial`, { flags: 'wx', flush: true });
    await once(file, 'open');
    // Resolves once the file is flushed and closed; observed in close() (caught here so an early failure is not unhandled).
    const written = pipeline(gzip, file);
    written.catch(() => undefined);
    return new ArchiveWriter(path, gzip, written);
  }

  async write(record: unknown): Promise<void> {
    if (!this.gzip.write(`${JSON.stringify(record)}\n`)) await once(this.gzip, 'drain');
  }

  async close(): Promise<void> {
    this.gzip.end();
    await this.written;
    await rename(`${this.path}.partial`, this.path);
  }

  /** Gives up: the partial file is removed. */
  async abandon(): Promise<void> {
    this.gzip.destroy();
    await this.written.catch(() => undefined);
    await rm(`${this.path}.partial`, { force: true });
  }
}
