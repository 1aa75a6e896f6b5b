import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConcurrencyError, EventStore, ProjectionRunner, type AppendResult } from '@agentry/event-store';
import {
  MASTER_BRANCH,
  Role,
  SCRIPT_NAME_STREAM_TYPE,
  StreamType,
  requireRole,
  scriptNameStreamId,
  type RequestEnvelope,
  type SaveScriptParams,
  type SaveScriptResult,
} from '@agentry/contracts';
import { branchExists, noSuchBranch } from '../../domain/branches.js';
import { decideCreate, decideStagingSave, decideUpdate, stagingSaved, type DecisionContext } from '../../domain/decisions.js';
import { parseSaveCommand, type SaveCommand } from '../../domain/save-command.js';
import { ScriptStreams, scriptStreamId, toNewEvent } from '../../script-streams.js';

/**
 * A save carries no expected version (the classic API has none): it applies to the script as it is
 * now. So a lost race (a concurrent save of the same script, or a concurrent create of the same
 * name) is simply decided again against the new state. Each loss means another save won, so with
 * up to MAX_ATTEMPTS concurrent saves of one name every one of them lands; beyond that the last
 * losers get 409 CONCURRENCY_CONFLICT.
 */
const MAX_ATTEMPTS = 10;

/** `POST /api/v1/script/{name}`: create the named script, or save a new version of it. */
@Injectable()
export class SaveScriptUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly streams: ScriptStreams,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute(envelope: RequestEnvelope<SaveScriptParams>): Promise<SaveScriptResult> {
    requireRole(envelope.actor, Role.SCRIPTS_WRITE);
    const command = parseSaveCommand(envelope.params ?? {});
    for (let attempt = 1; ; attempt++) {
      try {
        const { result, appended } = await this.saveOnce(command, envelope);
        await this.projections.waitFor(appended.position);
        return result;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async saveOnce(command: SaveCommand, envelope: RequestEnvelope<SaveScriptParams>) {
    const ctx: DecisionContext = {
      orgId: envelope.actor.orgId,
      by: { userId: envelope.actor.userId, keyId: envelope.actor.keyId },
      now: Date.now(),
    };
    const branch = command.branch;
    if (branch !== undefined && !branchExists((await this.streams.loadBranches(ctx.orgId)).state, branch)) throw noSuchBranch(branch, 'branch');
    const holder = await this.streams.loadNameHolder(ctx.orgId, command.name);
    if (holder.scriptId !== null) {
      const { state, version } = await this.streams.loadScript(holder.scriptId);
      // With a branch, only that branch's staging code changes (the script's nonce stays).
      const saved = branch !== undefined ? decideStagingSave(state, { ...command, branch, text: command.text! }, ctx) : decideUpdate(state, command, ctx);
      const appended = await this.store.append(scriptStreamId(holder.scriptId), StreamType.script, [toNewEvent(saved, envelope)], {
        expectedVersion: version,
      });
      const nonce = 'nonce' in saved.data ? saved.data.nonce : state!.nonce;
      return { result: { id: holder.scriptId, created: false, nonce }, appended };
    }

    const scriptId = await this.store.nextId('script');
    const { claim, saved } = decideCreate(scriptId, command, ctx);
    // A new script starts as its code on master (both environments) and, named another branch, that branch's staging code too.
    const created = [saved, ...(branch !== undefined && branch !== MASTER_BRANCH ? [stagingSaved(scriptId, command.name, branch, command.text!, ctx)] : [])];
    // The claim and the script's first event commit together: a name is never held by a script that does not exist.
    const appended = await this.dataSource.transaction(async (manager): Promise<AppendResult> => {
      await this.store.append(scriptNameStreamId(ctx.orgId, command.name), SCRIPT_NAME_STREAM_TYPE, [toNewEvent(claim, envelope)], {
        expectedVersion: holder.version,
        manager,
      });
      return this.store.append(
        scriptStreamId(scriptId),
        StreamType.script,
        created.map((event) => toNewEvent(event, envelope)),
        {
          expectedVersion: 'no_stream',
          manager,
        },
      );
    });
    return { result: { id: scriptId, created: true, nonce: saved.data.nonce }, appended };
  }
}
