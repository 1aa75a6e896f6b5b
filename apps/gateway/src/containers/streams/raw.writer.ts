import type { FeedEvent } from '../live/container-feed.js';
import { failureMessage, type HttpStream } from './http-stream.js';

/** The v1 API `output=raw`: the console bytes as they come, chunked `text/plain`, until the container ends. */
export async function writeRaw(stream: HttpStream, feed: AsyncIterable<FeedEvent>): Promise<void> {
  stream.start(200, 'text/plain; charset=utf-8');
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
