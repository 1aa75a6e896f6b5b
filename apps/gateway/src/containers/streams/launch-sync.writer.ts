import type { FeedEvent } from '../live/container-feed.js';
import { LineSplitter } from '../live/line-splitter.js';
import { v2Status } from '../shapes/v2-container.shape.js';
import { failureMessage, STOPPED_EARLY, type HttpStream } from './http-stream.js';

export const NDJSON_HEARTBEAT_MS = 10_000;

const line = (value: unknown): string => JSON.stringify(value) + '\n';
const HEARTBEAT = line({ type: 'heartbeat' });

/** Joins the splitter's pieces into whole log lines; a line still being written waits for its end. */
class LogLines {
  private readonly splitter = new LineSplitter();
  private partial = '';

  push(from: number, bytes: Buffer): string[] {
    return this.whole(this.splitter.push(from, bytes));
  }

  /** At the end: whatever is left, as a last line. */
  end(outputPos: number): string[] {
    const lines = this.whole(this.splitter.flush(outputPos));
    if (this.partial) lines.push(this.partial);
    this.partial = '';
    return lines;
  }

  private whole(pieces: { text: string; newline: boolean }[]): string[] {
    const lines: string[] = [];
    for (const piece of pieces) {
      this.partial += piece.text;
      if (!piece.newline) continue;
      lines.push(this.partial.replace(/\r$/, ''));
      this.partial = '';
    }
    return lines;
  }
}

export interface LaunchSyncOptions {
  /** The document's `includeLogs` (default false): `logs` lines only when asked for. */
  includeLogs: boolean;
}

/**
 * v2 `agents/launch-sync`: NDJSON lines — first `start` naming the container (Agentry's addition,
 * so a client that loses the stream can still find the run), `heartbeat` every 10 s, `logs` with
 * the console lines as they come when `includeLogs`, then one `summary` (`executionTime` in ms;
 * `resultObject` as JSON text, the type the document gives it everywhere) or one `error`.
 */
export async function writeLaunchSync(stream: HttpStream, containerId: number, feed: AsyncIterable<FeedEvent>, options: LaunchSyncOptions): Promise<void> {
  stream.start(200, 'application/x-ndjson; charset=utf-8');
  await stream.write(line({ type: 'start', data: { containerId: String(containerId) } }));
  const stopHeartbeat = stream.every(NDJSON_HEARTBEAT_MS, () => HEARTBEAT);
  const logs = new LogLines();
  const writeLogs = async (lines: string[]) => {
    if (options.includeLogs && lines.length) await stream.write(line({ type: 'logs', data: lines }));
  };
  try {
    for await (const event of feed) {
      if (event.kind === 'output') await writeLogs(logs.push(event.from, event.bytes));
      if (event.kind !== 'ended') continue;
      await writeLogs(logs.end(event.outputPos));
      const record = await event.record();
      const executionTime = record.startedAt !== null && record.endedAt !== null ? record.endedAt - record.startedAt : 0;
      const summary = {
        containerId: String(containerId),
        status: v2Status(record),
        executionTime,
        exitCode: record.exitCode,
        endType: record.endType,
        endMessage: record.endMessage,
        resultObject: record.resultObject ?? null,
      };
      return await stream.write(line({ type: 'summary', data: summary }));
    }
    await stream.write(line({ type: 'error', data: STOPPED_EARLY }));
  } catch (error) {
    await stream.write(line({ type: 'error', data: failureMessage(error) }));
  } finally {
    stopHeartbeat();
    stream.end();
  }
}
