import type { DrillClient } from './drill-client.js';

export interface FollowedRun {
  /** The container the stream followed (from its `: container <id> …` comments); null if never accepted. */
  containerId: number | null;
  /** The data of every message, joined: the console output as an EventSource hands it over. */
  text: string;
  /** Connections it took (1 = no resume). */
  connections: number;
  /** The stream reached `: container <id> ended` (or a resume answered 204). */
  ended: boolean;
}

const GIVE_UP_MS = 180_000;

/**
 * Launches an agent with seed 002's `output=event-stream` and follows it to the end as an
 * EventSource would: when the connection drops (its gateway was killed) it reconnects to another
 * gateway with the same idempotency key and `Last-Event-ID`, and the stream continues from that
 * byte. Every answer is counted by the client.
 */
export async function followLaunch(client: DrillClient, agentId: number, idempotencyKey: string, key: string): Promise<FollowedRun> {
  const run: FollowedRun = { containerId: null, text: '', connections: 0, ended: false };
  let lastEventId: string | undefined;
  const deadline = Date.now() + GIVE_UP_MS;
  while (!run.ended && Date.now() < deadline) {
    const base = client.pickGateway();
    const path = `/api/v1/agent/${agentId}/launch?output=event-stream&idempotencyKey=${encodeURIComponent(idempotencyKey)}`;
    run.connections += 1;
    let res: Response;
    try {
      res = await fetch(base + path, {
        headers: { 'X-Phantombuster-Key-1': key, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
        signal: AbortSignal.timeout(120_000),
      });
    } catch {
      client.record('refused');
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    client.record(res.status);
    if (res.status === 204) {
      run.ended = true;
      break;
    }
    if (res.status !== 200 || !res.body) {
      client.checkAnswer(`GET ${base}${path}`, res.status, res.headers, await res.text().catch(() => ''));
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      await readEvents(res.body, (event) => {
        if (event.comment) {
          const m = /^ ?container (\d+) (.*)$/.exec(event.comment);
          if (m) {
            run.containerId = Number(m[1]);
            if (m[2] === 'ended') run.ended = true;
          }
        }
        if (event.id !== undefined) lastEventId = event.id;
        if (event.data !== undefined) run.text += event.data;
      });
    } catch {
      // Cut mid-stream (the gateway died): resume from lastEventId.
    }
  }
  return run;
}

interface SseEvent {
  id?: string;
  data?: string;
  comment?: string;
}

/** Parses a text/event-stream body: one callback per event (blank-line separated block). */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: SseEvent) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  const flush = (block: string) => {
    const event: SseEvent = {};
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        onEvent({ comment: line.slice(1) });
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'id') event.id = value;
    }
    if (data.length) event.data = data.join('\n');
    if (event.id !== undefined || event.data !== undefined) onEvent(event);
  };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      flush(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
}
