import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StoredChunk } from './output-chunk.js';

/** Most chunk rows one read looks at; a read stopping there answers fewer bytes and the next one goes on. */
const MAX_ROWS_PER_READ = 10_000;

/**
 * The append-only table of console bytes, `output_chunks(container_id, byte_offset, data)`. A chunk is
 * identified by where it starts, so a redelivered chunk is a no-op, and chunks of an archived container
 * are not stored again.
 */
@Injectable()
export class ChunkStore {
  constructor(private readonly dataSource: DataSource) {}

  /** One statement for the whole batch. */
  async insert(chunks: StoredChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO output_chunks (container_id, byte_offset, data)
       SELECT c.container_id, c.byte_offset, c.data
         FROM unnest($1::bigint[], $2::bigint[], $3::bytea[]) AS c(container_id, byte_offset, data)
        WHERE NOT EXISTS (SELECT 1 FROM output_archived_containers a WHERE a.container_id = c.container_id)
       ON CONFLICT (container_id, byte_offset) DO NOTHING`,
      [chunks.map((c) => c.containerId), chunks.map((c) => c.offset), chunks.map((c) => c.data)],
    );
  }

  /**
   * The stored bytes from `from` on, at most `maxBytes`, stopping at the first gap (a chunk not stored yet):
   * every byte answered is final, so a reader resuming at `from + answer.length` never misses or repeats one.
   * Chunks may overlap `from` or each other; each byte is taken once.
   */
  async readContiguous(containerId: number, from: number, maxBytes: number): Promise<Buffer> {
    const until = from + maxBytes;
    const rows: { byte_offset: string; data: Buffer }[] = await this.dataSource.query(
      `SELECT byte_offset, data FROM output_chunks
        WHERE container_id = $1
          AND byte_offset >= coalesce((SELECT max(byte_offset) FROM output_chunks WHERE container_id = $1 AND byte_offset <= $2), 0)
          AND byte_offset < $3
        ORDER BY byte_offset
        LIMIT ${MAX_ROWS_PER_READ}`,
      [containerId, from, until],
    );
    const parts: Buffer[] = [];
    let position = from;
    for (const row of rows) {
      const offset = Number(row.byte_offset);
      if (offset > position) break;
      const end = Math.min(offset + row.data.length, until);
      if (end <= position) continue;
      parts.push(row.data.subarray(position - offset, end - offset));
      position = end;
      if (position === until) break;
    }
    return Buffer.concat(parts);
  }

  /** End of the last stored chunk (gaps included): the output's length so far. One index probe. */
  async storedLength(containerId: number): Promise<number> {
    const [row]: { length: string }[] = await this.dataSource.query(
      `SELECT byte_offset + length(data) AS length FROM output_chunks WHERE container_id = $1 ORDER BY byte_offset DESC LIMIT 1`,
      [containerId],
    );
    return row ? Number(row.length) : 0;
  }
}
