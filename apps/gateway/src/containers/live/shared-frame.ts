/**
 * How a stream shows its client one live output message (`offset`: the message's first byte), the same
 * for every follower in that state: the v1 `output=raw` answer writes the bytes as they are, the v1 event
 * stream one message per piece of a line. `null` when this message cannot be shown the same way to every
 * follower (it ends inside a character: each follower's own line splitter must hold those bytes).
 */
export interface FrameFormat {
  frame(offset: number, bytes: Buffer): Buffer | null;
}

/**
 * Where a follower's hub may write live output itself, from its NATS callback, instead of handing the
 * message through the follower's feed and writer (a promise and generator chain per line per follower: at
 * 1,000 followers most of the gateway's CPU, and the latency of the last follower of a line).
 */
export interface DirectSink {
  readonly format: FrameFormat;
  /**
   * True when a frame written now comes out exactly as the writer would have written it, in order: the
   * client keeps up (nothing undrained) and the writer holds nothing of its own (no partial character).
   */
  ready(): boolean;
  write(frame: Buffer): void;
}

/** A followed container's output that its writer can take over (see DirectSink). */
export interface DirectOutput {
  writeDirectly(sink: DirectSink): void;
}

/**
 * One live output message as its hub received it, formatted at most once per format whatever the number of
 * followers: every follower in step gets the same Buffer (never written to), so a line costs one format and
 * one socket write per follower.
 */
export class SharedFrame {
  private readonly made = new Map<FrameFormat, Buffer | null>();

  constructor(
    readonly offset: number,
    readonly bytes: Buffer,
  ) {}

  get end(): number {
    return this.offset + this.bytes.length;
  }

  as(format: FrameFormat): Buffer | null {
    let frame = this.made.get(format);
    if (frame === undefined) {
      frame = format.frame(this.offset, this.bytes);
      this.made.set(format, frame);
    }
    return frame;
  }
}
