import { DomainError, ErrorCode } from '@agentry/contracts';
import type { OrgWriteUsage } from './org-write-usage.js';

/**
 * How much a script may write through its runtime API (each write is an event, kept in the log and relayed
 * to JetStream forever). Per run, and per org over a fixed window (all the org's runs, on every replica).
 */
export interface ScriptWriteQuotas {
  /** `addMessage` calls per run. */
  runMaxMessages: number;
  /** `setResultObject` calls per run. */
  runMaxResultObjects: number;
  /** `setAgentObject` + `setGlobalObject` calls per run. */
  runMaxObjectWrites: number;
  /** Bytes of messages, result objects and objects one run writes. */
  runMaxWrittenBytes: number;
  /** Bytes all of an org's runs write per window. */
  orgMaxWrittenBytes: number;
  /** Length of the org window (fixed windows: the count starts again at each multiple of it). */
  orgWindowSeconds: number;
}

export const DEFAULT_SCRIPT_WRITE_QUOTAS: ScriptWriteQuotas = {
  runMaxMessages: 1000,
  runMaxResultObjects: 100,
  runMaxObjectWrites: 1000,
  runMaxWrittenBytes: 64 * 1024 * 1024,
  orgMaxWrittenBytes: 2 * 1024 * 1024 * 1024,
  orgWindowSeconds: 86_400,
};

export type ScriptWriteKind = 'message' | 'resultObject' | 'object';

const COUNT_LIMITS: Record<ScriptWriteKind, { quota: keyof ScriptWriteQuotas; what: string }> = {
  message: { quota: 'runMaxMessages', what: 'messages' },
  resultObject: { quota: 'runMaxResultObjects', what: 'result objects' },
  object: { quota: 'runMaxObjectWrites', what: 'agent/global object writes' },
};

const quotaReached = (message: string) => new DomainError(ErrorCode.PLAN_LIMIT_REACHED, `Quota reached: ${message}. The run goes on; this write was refused.`);

/**
 * One run's account of what its script wrote. `reserve` is called before the write and answers a release for
 * when the write then fails; counts are taken synchronously, so requests a script fires without awaiting
 * cannot slip past the limit together.
 */
export class RunWriteQuota {
  private readonly counts: Record<ScriptWriteKind, number> = { message: 0, resultObject: 0, object: 0 };
  private bytes = 0;

  constructor(
    private readonly quotas: ScriptWriteQuotas,
    private readonly orgUsage: OrgWriteUsage,
    private readonly orgId: number,
  ) {}

  async reserve(kind: ScriptWriteKind, bytes: number): Promise<() => Promise<void>> {
    const { quota, what } = COUNT_LIMITS[kind];
    const maxCount = this.quotas[quota];
    if (this.counts[kind] >= maxCount) throw quotaReached(`at most ${maxCount} ${what} per run`);
    if (this.bytes + bytes > this.quotas.runMaxWrittenBytes) {
      throw quotaReached(`at most ${this.quotas.runMaxWrittenBytes} bytes of messages, result objects and objects per run`);
    }
    this.counts[kind] += 1;
    this.bytes += bytes;
    const releaseRun = () => {
      this.counts[kind] -= 1;
      this.bytes -= bytes;
    };
    let added: boolean;
    try {
      added = await this.orgUsage.add(this.orgId, bytes, this.quotas.orgMaxWrittenBytes, this.quotas.orgWindowSeconds);
    } catch (error) {
      releaseRun();
      throw error;
    }
    if (!added) {
      releaseRun();
      const hours = Math.round((this.quotas.orgWindowSeconds / 3600) * 100) / 100;
      throw quotaReached(`the org's scripts may write at most ${this.quotas.orgMaxWrittenBytes} bytes per ${hours} h`);
    }
    return async () => {
      releaseRun();
      await this.orgUsage.giveBack(this.orgId, bytes, this.quotas.orgWindowSeconds).catch(() => undefined);
    };
  }
}
