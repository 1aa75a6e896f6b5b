import { join } from 'node:path/posix';
import { ErrorCode, resultFileOf, validationFailed, type Actor, type ResultFileNames, type ResultFormat } from '@agentry/contracts';
import type { RuntimeRequest } from '../process/index.js';
import type { OrgObjects } from '../org-objects/org-objects.js';
import type { RegistryClient } from '../registry/registry.client.js';
import { storedFileUrl } from '../storage/storage-paths.js';
import type { MessageType } from '../containers/domain/container-event.js';
import type { RunEvents } from './run-events.js';
import type { ScriptNotifications } from './script-notifications.js';
import type { RunWriteQuota, ScriptWriteKind } from './script-write-quotas.js';

/** A result object is "small JSON": it is stored in an event and answered whole. */
export const RESULT_OBJECT_MAX_BYTES = 512 * 1024;
const MESSAGE_MAX_CHARS = 10_000;
/** Every message type a script may write (the others become `normal`). */
const MESSAGE_TYPES: ReadonlySet<string> = new Set<MessageType>(['normal', 'info', 'warning', 'error', 'success']);
/** The files a save links from the run's messages: images, by their name. */
const IMAGE_FILE = /\.(png|jpe?g|gif|webp)$/i;
const isMessageType = (type: unknown): type is MessageType => typeof type === 'string' && MESSAGE_TYPES.has(type);

export interface RunContext {
  containerId: number;
  agentId: number;
  orgId: number;
  /** The org acting for the run (the launching user's ids). */
  actor: Actor;
  /** The run's save folder relative to the agent's storage folder. */
  storagePrefix: string;
  /** What the run's result files are called (libs/contracts/src/scripts/result-files.ts): saving one is recorded. */
  resultFiles: ResultFileNames;
}

/**
 * Answers what a script asks over its private channel. The answer becomes the value of the
 * script's promise; a throw becomes its rejection (a DomainError's message reaches the script).
 * Every write is charged to the run's quota first (a refusal rejects that promise only: the run
 * goes on); an event too large for the bus is refused by the event store (PAYLOAD_TOO_LARGE).
 */
export class RunRequests {
  constructor(
    private readonly run: RunContext,
    private readonly events: RunEvents,
    private readonly registry: RegistryClient,
    private readonly orgObjects: OrgObjects,
    private readonly quota: RunWriteQuota,
    private readonly notifications: ScriptNotifications,
  ) {}

  /** The result files already recorded: each format's event is written once per run. */
  private readonly recordedResults = new Set<ResultFormat>();

  async handle(req: RuntimeRequest): Promise<unknown> {
    const { run } = this;
    switch (req.kind) {
      case 'setResultObject':
        if (Buffer.byteLength(req.resultObject, 'utf8') > RESULT_OBJECT_MAX_BYTES) {
          throw validationFailed([{ field: 'resultObject', message: `must be at most ${RESULT_OBJECT_MAX_BYTES} bytes of JSON` }]);
        }
        await this.charged('resultObject', req.resultObject, () => this.events.resultObject(req.resultObject));
        return null;
      case 'progressHint':
        this.events.progress(req.progress, req.label);
        return null;
      case 'message': {
        const text = String(req.text).slice(0, MESSAGE_MAX_CHARS);
        await this.charged('message', text, () => this.events.message(text, isMessageType(req.type) ? req.type : 'normal'));
        return null;
      }
      case 'getAgentObject':
        return this.registry.getAgentObject(run.actor, req.agentId ?? run.agentId);
      case 'setAgentObject':
        await this.charged('object', req.agentObject, () => this.registry.setAgentObject(run.actor, req.agentId ?? run.agentId, req.agentObject));
        return null;
      case 'getGlobalObject':
        return this.orgObjects.get(run.orgId);
      case 'setGlobalObject':
        await this.charged('object', req.globalObject, () => this.orgObjects.set(run.orgId, req.globalObject, run.containerId));
        return null;
      case 'overrideTimeLimit':
        // The runner has moved the deadline already.
        return null;
      case 'saved': {
        const url = storedFileUrl(run.agentId, join(run.storagePrefix, req.path));
        if (IMAGE_FILE.test(req.path)) await this.linkImage(url);
        await this.recordResultFile(req.path);
        return url;
      }
      case 'mail':
        await this.notifications.send(run.actor, {
          containerId: run.containerId,
          kind: 'mail',
          subject: req.subject,
          text: req.text,
          ...(req.to ? { to: req.to } : {}),
        });
        return null;
      case 'notify':
        await this.notifications.send(run.actor, { containerId: run.containerId, kind: 'notify', text: req.text });
        return null;
      default:
        throw validationFailed([{ field: 'kind', message: `unknown request ${(req as { kind?: unknown }).kind}` }]);
    }
  }

  private async recordResultFile(savedPath: string): Promise<void> {
    const result = resultFileOf(savedPath, this.run.resultFiles);
    if (!result || this.recordedResults.has(result.format)) return;
    this.recordedResults.add(result.format);
    await this.events.resultFile(result.format, result.name);
  }

  /**
   * A saved image (a screenshot) is linked from the run's messages by the platform, as users expect,
   * without the script writing the message. It counts as one of the run's messages; once they are used
   * up the image is still saved, just not linked.
   */
  private async linkImage(url: string): Promise<void> {
    const text = `Screenshot saved: ${url}`;
    await this.charged('message', text, () => this.events.message(text, 'info')).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== ErrorCode.PLAN_LIMIT_REACHED) throw error;
    });
  }

  /** Writes `text` through `write` if the quota allows it; a write that fails gives its share back. */
  private async charged(kind: ScriptWriteKind, text: string, write: () => Promise<void>): Promise<void> {
    const release = await this.quota.reserve(kind, Buffer.byteLength(text, 'utf8'));
    try {
      await write();
    } catch (error) {
      await release();
      throw error;
    }
  }
}
