import type { FeedEvent } from '../live/container-feed.js';
import { jsend } from '../../http/shapes.js';
import { executionSeconds, parseResultObject } from '../shapes/result-object.js';
import { failureMessage, STOPPED_EARLY, type HttpStream } from './http-stream.js';

/** The v1 API: "a space character is sent every 10 seconds to keep the HTTP socket alive". */
export const RESULT_KEEPALIVE_MS = 10_000;

export type ResultMode = 'result-object' | 'result-object-with-output' | 'first-result-object';

/**
 * The v1 API's blocking launch answers: headers at once (200 even if the run fails), spaces while
 * waiting, then the JSend body — at the end of the run, or at the first result object.
 */
export async function writeResultObject(stream: HttpStream, containerId: number, feed: AsyncIterable<FeedEvent>, mode: ResultMode): Promise<void> {
  stream.start(200, 'application/json; charset=utf-8');
  const stopKeepAlive = stream.every(RESULT_KEEPALIVE_MS, () => ' ');
  const output: Buffer[] = [];
  try {
    for await (const event of feed) {
      if (event.kind === 'output' && mode === 'result-object-with-output') output.push(event.bytes);
      if (event.kind === 'result' && mode === 'first-result-object') {
        return await stream.write(JSON.stringify(jsend({ containerId, resultObject: parseResultObject(event.resultObject) })));
      }
      if (event.kind !== 'ended') continue;
      const record = await event.record();
      const resultObject = parseResultObject(record.resultObject);
      if (mode === 'first-result-object') return await stream.write(JSON.stringify(jsend({ containerId, resultObject })));
      const data = {
        containerId,
        executionTime: executionSeconds(record.startedAt, record.endedAt),
        exitCode: record.exitCode,
        resultObject,
        ...(mode === 'result-object-with-output' ? { output: Buffer.concat(output).toString('utf8') } : {}),
      };
      return await stream.write(JSON.stringify(jsend(data, record.endMessage ?? 'Agent finished')));
    }
    await stream.write(JSON.stringify({ status: 'error', message: STOPPED_EARLY }));
  } catch (error) {
    await stream.write(JSON.stringify({ status: 'error', message: failureMessage(error) }));
  } finally {
    stopKeepAlive();
    stream.end();
  }
}
