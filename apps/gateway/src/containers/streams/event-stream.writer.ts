import type { FeedEvent } from '../live/container-feed.js';
import { LineSplitter } from '../live/line-splitter.js';
import type { DirectOutput } from '../live/shared-frame.js';
import { failureMessage, type HttpStream } from './http-stream.js';
import { SSE_OUTPUT_FRAMES, sseOutputEvent, sseStateComment, type ContainerPhase } from './sse-format.js';

/** How often the state comment is repeated while nothing else is sent. */
export const SSE_KEEPALIVE_MS = 5_000;

/**
 * The v1 API `output=event-stream`: a state comment, one message per piece of output (id = byte
 * offset past it), state comments as keep-alives, `: container <id> ended`, then the connection
 * closes. A client resuming (`Last-Event-ID`) at the very end of an ended container gets 204,
 * which tells an EventSource to stop reconnecting.
 */
export async function writeEventStream(
  stream: HttpStream,
  containerId: number,
  feed: AsyncIterable<FeedEvent> & Partial<DirectOutput>,
  resuming: boolean,
): Promise<void> {
  const splitter = new LineSplitter();
  // Live output in step is written by the container's hub, formatted once for all its followers; only
  // while this splitter holds no partial character (the shared frame is cut by a fresh splitter).
  feed.writeDirectly?.({ format: SSE_OUTPUT_FRAMES, ready: () => splitter.idle && stream.writableAtOnce, write: (frame) => stream.writeAtOnce(frame) });
  let phase: ContainerPhase = 'queued';
  let stopKeepAlive = () => undefined as void;
  const open = () => {
    stream.start(200, 'text/event-stream; charset=utf-8');
    stopKeepAlive = stream.every(SSE_KEEPALIVE_MS, () => sseStateComment(containerId, phase));
  };
  try {
    for await (const event of feed) {
      if (!stream.started) {
        if (event.kind === 'ended' && resuming) return stream.start(204, null);
        open();
      }
      if (event.kind === 'status') {
        phase = event.status;
        await stream.write(sseStateComment(containerId, phase));
      } else if (event.kind === 'output') {
        const messages = splitter.push(event.from, event.bytes).map(sseOutputEvent).join('');
        if (messages) await stream.write(messages);
      } else if (event.kind === 'ended') {
        await stream.write(splitter.flush(event.outputPos).map(sseOutputEvent).join('') + sseStateComment(containerId, 'ended'));
      }
    }
  } catch (error) {
    if (!stream.started) open();
    await stream.write(`: error ${failureMessage(error).replace(/[\r\n]+/g, ' ')}\n\n`);
  } finally {
    stopKeepAlive();
    stream.end();
  }
}
