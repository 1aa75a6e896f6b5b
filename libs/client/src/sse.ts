/** One server-sent event: its id, its data lines joined by "\n"; `comment` for `:` lines. */
export type SseMessage = { kind: 'event'; id: string | undefined; data: string } | { kind: 'comment'; text: string };

/**
 * Reads an event stream as an EventSource does (fields `id`, `data`, `:` comments; CRLF, LF or CR
 * line ends), yielding each message as soon as its blank line arrives.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let id: string | undefined;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let match: RegExpExecArray | null;
      while ((match = /\r\n|\n|\r(?!$)/.exec(buffer))) {
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === '') {
          if (data.length) yield { kind: 'event', id, data: data.join('\n') };
          data = [];
        } else if (line.startsWith(':')) {
          yield { kind: 'comment', text: line.slice(1).trim() };
        } else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') data.push(value);
          else if (field === 'id') id = value;
        }
      }
      if (done) break;
    }
    if (data.length) yield { kind: 'event', id, data: data.join('\n') };
  } finally {
    reader.releaseLock();
  }
}
