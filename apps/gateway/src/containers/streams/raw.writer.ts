import type { FeedEvent } from '../live/container-feed.js';
import type { DirectOutput, FrameFormat } from '../live/shared-frame.js';
import { failureMessage, type HttpStream } from './http-stream.js';

/** Raw output shows a live message as its bytes: one Buffer for every follower. */
const RAW_FRAMES: FrameFormat = { frame: (_offset, bytes) => bytes };

/**
 * The v1 API `output=raw` and v2 `containers/attach`: the console bytes as they come, chunked
 * `text/plain`, until the container ends. Live output in step is written by the container's hub itself.
 */
export async function writeRaw(stream: HttpStream, feed: AsyncIterable<FeedEvent> & Partial<DirectOutput>): Promise<void> {
  stream.start(200, 'text/plain; charset=utf-8');
  feed.writeDirectly?.({ format: RAW_FRAMES, ready: () => stream.writableAtOnce, write: (frame) => stream.writeAtOnce(frame) });
  try {
    let ended = false;
    for await (const event of feed) {
      if (event.kind === 'output') await stream.write(event.bytes);
      if (event.kind === 'ended') ended = true;
    }
    // Stopped before the container ended (the gateway is shutting down): the output is not whole.
    if (ended) stream.end();
    else stream.fail();
  } catch (error) {
    failureMessage(error);
    // Plain text has no room for an error: a cut connection tells the client the output is incomplete.
    stream.fail();
  }
}
