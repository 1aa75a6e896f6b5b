import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ChunkStore } from '../console/chunk-store.js';
import { toContainerView, toMessageView, type ContainerRow, type MessageRow } from '../history/read-model/container-row.js';
import { ArchiveWriter } from './archive-writer.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const CONTAINERS_PER_BATCH = 100;
const CHUNKS_PER_PAGE = 500;

export interface ArchiveOptions {
  dataSource: DataSource;
  retentionDays: number;
  /** Folder receiving `output-archive-<time>.ndjson.gz`. */
  archiveDir: string;
  now?: number;
}

export interface ArchiveReport {
  /** Containers ended before this (ms) were archived. */
  cutoff: number;
  containers: number;
  /** The export, or null when nothing was old enough. */
  file: string | null;
}

/**
 * The retention job: containers ended more than `retentionDays` ago are exported (record, messages and every
 * console chunk, one JSON line each, in one gzipped file), then removed from the output service's tables and
 * listed in `output_archived_containers` so no projection or redelivered chunk brings them back. Rows are
 * removed only after the export is on disk; a run stopped in between exports them again next time. The
 * event log is never touched.
 */
export async function archiveOutput(opts: ArchiveOptions): Promise<ArchiveReport> {
  const now = opts.now ?? Date.now();
  const cutoff = now - opts.retentionDays * DAY_MS;
  const expired: { id: string }[] = await opts.dataSource.query(`SELECT id FROM output_containers WHERE status = 'ended' AND ended_at < $1 ORDER BY id`, [
    cutoff,
  ]);
  if (expired.length === 0) return { cutoff, containers: 0, file: null };

  const file = join(opts.archiveDir, `output-archive-${new Date(now).toISOString().replace(/[:.]/g, '-')}.ndjson.gz`);
  const batches = chunked(
    expired.map((r) => Number(r.id)),
    CONTAINERS_PER_BATCH,
  );
  const writer = await ArchiveWriter.create(file);
  try {
    for (const ids of batches) await exportContainers(opts.dataSource, ids, writer);
    await writer.close();
  } catch (error) {
    await writer.abandon();
    throw error;
  }
  for (const ids of batches) await removeContainers(opts.dataSource, ids, now, file);
  return { cutoff, containers: expired.length, file };
}

async function exportContainers(dataSource: DataSource, ids: number[], writer: ArchiveWriter): Promise<void> {
  const chunks = new ChunkStore(dataSource);
  const rows: ContainerRow[] = await dataSource.query(`SELECT * FROM output_containers WHERE id = ANY($1) ORDER BY id`, [ids]);
  for (const row of rows) {
    const containerId = Number(row.id);
    const storedLength = await chunks.storedLength(containerId);
    await writer.write({ kind: 'container', container: toContainerView(row, storedLength, { withResultObject: true }) });
    const messages: MessageRow[] = await dataSource.query(
      `SELECT message_id, at, text, type, context FROM output_messages WHERE container_id = $1 ORDER BY message_number`,
      [containerId],
    );
    for (const message of messages) await writer.write({ kind: 'message', containerId, message: toMessageView(message) });
    for (let after = -1; ;) {
      const page: { byte_offset: string; data: Buffer }[] = await dataSource.query(
        `SELECT byte_offset, data FROM output_chunks WHERE container_id = $1 AND byte_offset > $2 ORDER BY byte_offset LIMIT ${CHUNKS_PER_PAGE}`,
        [containerId, after],
      );
      for (const chunk of page) {
        await writer.write({ kind: 'chunk', containerId, offset: Number(chunk.byte_offset), data: chunk.data.toString('base64') });
      }
      if (page.length < CHUNKS_PER_PAGE) break;
      after = Number(page[page.length - 1].byte_offset);
    }
  }
}

async function removeContainers(dataSource: DataSource, ids: number[], now: number, file: string): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query(
      `INSERT INTO output_archived_containers (container_id, org_id, agent_id, ended_at, archived_at, archive_file)
       SELECT id, org_id, agent_id, ended_at, $2, $3 FROM output_containers WHERE id = ANY($1)
       ON CONFLICT (container_id) DO NOTHING`,
      [ids, now, file],
    );
    await manager.query(`DELETE FROM output_chunks WHERE container_id = ANY($1)`, [ids]);
    await manager.query(`DELETE FROM output_messages WHERE container_id = ANY($1)`, [ids]);
    await manager.query(`DELETE FROM output_containers WHERE id = ANY($1)`, [ids]);
  });
}

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
