import { once } from 'node:events';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';

/**
 * Gzipped NDJSON, one record per line, written to `<path>.partial` and renamed to `path` only once flushed
 * to disk: a file under its final name is always complete.
 */
export class ArchiveWriter {
  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    private readonly gzip: Gzip,
    private readonly written: Promise<void>,
  ) {}

  static async create(path: string): Promise<ArchiveWriter> {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(`${path}.partial`, 'wx');
    const gzip = createGzip();
    const file = handle.createWriteStream({ autoClose: false });
    gzip.pipe(file);
    return new ArchiveWriter(path, handle, gzip, finished(file));
  }

  async write(record: unknown): Promise<void> {
    if (!this.gzip.write(`${JSON.stringify(record)}\n`)) await once(this.gzip, 'drain');
  }

  async close(): Promise<void> {
    this.gzip.end();
    await this.written;
    await this.handle.sync();
    await this.handle.close();
    await rename(`${this.path}.partial`, this.path);
  }

  /** Gives up: the partial file is removed. */
  async abandon(): Promise<void> {
    this.gzip.destroy();
    await this.handle.close().catch(() => undefined);
    await rm(`${this.path}.partial`, { force: true });
  }
}
