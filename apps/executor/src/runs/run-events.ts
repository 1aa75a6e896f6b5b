import { Logger } from '@nestjs/common';
import { ContainerRuntimeEventType } from '@agentry/contracts';
import type { ContainerStreams } from '../containers/container-streams.js';
import { messageEvent, type ContainerEvent, type MessageType } from '../containers/domain/container-event.js';
import type { LivePublisher } from './live-publisher.js';

/** Progress is shown, not audited: at most one event per this interval (the last hint always lands). */
const PROGRESS_INTERVAL_MS = 1000;
const logger = new Logger('RunEvents');

/**
 * The events a running script causes (messages, progress, result object), appended one after the
 * other in the order they happened (message numbers follow that order), each also sent live.
 */
export class RunEvents {
  private chain: Promise<unknown> = Promise.resolve();
  private lastProgressAt = 0;
  private pendingProgress: { progress: number; label: string | null } | null = null;
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly streams: ContainerStreams,
    private readonly live: LivePublisher,
    private readonly ids: { containerId: number; agentId: number },
    private messageCount: number,
  ) {}

  message(text: string, type: MessageType, context: string[] = []): Promise<void> {
    return this.enqueue(async () => {
      const event = messageEvent(this.ids, this.messageCount + 1, text, type, Date.now(), context);
      const appended = await this.append(event);
      this.messageCount += 1;
      this.live.publish({ type: 'message', containerId: this.ids.containerId, id: Number(appended.position.globalPosition), text, messageType: type });
    });
  }

  resultObject(resultObject: string): Promise<void> {
    return this.enqueue(async () => {
      await this.append({ type: ContainerRuntimeEventType.ContainerResultObjectSet, data: { ...this.ids, resultObject, at: Date.now() } });
      this.live.publish({ type: 'result', containerId: this.ids.containerId, resultObject });
    });
  }

  /** The run stored one of the agent's result files (`<name>.csv` / `<name>.json`). */
  resultFile(format: 'csv' | 'json', name: string): Promise<void> {
    return this.enqueue(async () => {
      await this.append({ type: ContainerRuntimeEventType.ContainerResultFileSaved, data: { ...this.ids, format, name, at: Date.now() } });
    });
  }

  /** Fire and forget (progressHint is synchronous for the script). */
  progress(progress: number, label: string | null): void {
    this.pendingProgress = { progress, label };
    if (this.progressTimer) return;
    const wait = Math.max(0, this.lastProgressAt + PROGRESS_INTERVAL_MS - Date.now());
    this.progressTimer = setTimeout(() => this.writeProgress(), wait);
  }

  /** Writes a pending progress hint and waits for every event so far. */
  async flush(): Promise<void> {
    if (this.progressTimer) {
      clearTimeout(this.progressTimer);
      this.writeProgress();
    }
    await this.chain.catch(() => undefined);
  }

  private writeProgress(): void {
    this.progressTimer = undefined;
    const hint = this.pendingProgress;
    if (!hint) return;
    this.pendingProgress = null;
    this.lastProgressAt = Date.now();
    this.enqueue(async () => {
      await this.append({ type: ContainerRuntimeEventType.ContainerProgressed, data: { ...this.ids, ...hint, at: Date.now() } });
      this.live.publish({ type: 'progress', containerId: this.ids.containerId, ...hint });
    }).catch((error: Error) => logger.warn(`container ${this.ids.containerId}: progress not recorded: ${error.message}`));
  }

  private append(event: ContainerEvent) {
    return this.streams.append(this.ids.containerId, [event], 'any');
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.chain.catch(() => undefined).then(work);
    this.chain = next;
    return next;
  }
}
