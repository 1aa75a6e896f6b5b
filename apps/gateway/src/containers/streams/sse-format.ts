import { LineSplitter, type OutputLine } from '../live/line-splitter.js';
import type { FrameFormat } from '../live/shared-frame.js';

/**
 * One v1 API event-stream message per piece of output: `data: <text>`, then an empty `data:` line
 * when the piece ended with a line feed (so a client joining the events' data gets the output
 * back). The id is the byte offset just past the piece: a client reconnecting with it in
 * `Last-Event-ID` resumes exactly there. SSE cannot carry a carriage return inside data, so a CRLF
 * ending reads as a line feed and a lone CR starts a new data line.
 */
export function sseOutputEvent(line: OutputLine): string {
  const text = line.newline ? line.text.replace(/\r$/, '') : line.text;
  const data = text
    .split(/\r\n|\r/)
    .map((part) => `data: ${part}\n`)
    .join('');
  return `id: ${line.end}\n${data}${line.newline ? 'data: \n' : ''}\n`;
}

/**
 * One live message as event-stream messages, the same for every follower whose own splitter holds nothing:
 * cut by a fresh splitter, and refused (null) when it ends inside a character, which that follower's splitter
 * would have to keep for the next message.
 */
export const SSE_OUTPUT_FRAMES: FrameFormat = {
  frame(offset, bytes) {
    const splitter = new LineSplitter();
    const messages = splitter.push(offset, bytes).map(sseOutputEvent).join('');
    return splitter.idle ? Buffer.from(messages, 'utf8') : null;
  },
};

export type ContainerPhase = 'queued' | 'running' | 'ended';

const PHASE_WORDS: Record<ContainerPhase, string> = { queued: 'in queue', running: 'still running', ended: 'ended' };

/** The keep-alive comment naming the container's state (`: container 76426 in queue`). */
export const sseStateComment = (containerId: number, phase: ContainerPhase): string => `: container ${containerId} ${PHASE_WORDS[phase]}\n\n`;
