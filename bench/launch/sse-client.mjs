// A minimal event-stream reader for the benchmark: calls `onData(text, receivedAt)` for every
// `data:` line with text, resolves when the server closes the stream; `onHeaders(receivedAt)` when
// the response's headers arrive (the gateway sends them with the container's first state).
import { performance } from 'node:perf_hooks';

export const now = () => performance.timeOrigin + performance.now();

export async function readEventStream(url, key, onData, onHeaders = () => {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'X-Phantombuster-Key-1': key } });
  onHeaders(now());
  if (!res.ok) throw new Error(`launch answered ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of res.body) {
    const receivedAt = now();
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      if (line.startsWith('data: ') && line.length > 6) onData(line.slice(6), receivedAt);
    }
  }
}
