/**
 * Reads a text/event-stream body (docs/api/execution.md, output=event-stream). EventSource cannot
 * send the API key in a header, and the key must not go in the URL, so the stream is read with
 * fetch and parsed here. Comments (`: container 12 in queue`) report the container's state; data
 * is console output; the id is the byte offset to resume from.
 */
export interface StreamEvent {
  comment?: string;
  id?: string;
  data?: string;
}

export class EventStreamParser {
  private buffer = '';

  /** Feeds decoded text; answers every complete event (an event ends at an empty line). */
  push(text: string): StreamEvent[] {
    this.buffer += text.replace(/\r\n?/g, '\n');
    const events: StreamEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: StreamEvent = {};
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'data') data.push(value);
          else if (field === 'id') event.id = value;
        }
      }
      if (data.length) event.data = data.join('\n');
      events.push(event);
    }
    return events;
  }
}

/** `container 76426 in queue` → {containerId: "76426", state: "in queue"}. */
export function containerComment(comment: string): { containerId: string; state: string } | undefined {
  const match = /^container (\d+) (.+)$/.exec(comment);
  return match ? { containerId: match[1]!, state: match[2]! } : undefined;
}
