import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRunner, type AppendResult } from '@agentry/event-store';
import {
  Role,
  SCRIPT_NAME_STREAM_TYPE,
  StreamType,
  requireRole,
  scriptNameStreamId,
  type DeleteScriptParams,
  type DeleteScriptResult,
  type RequestEnvelope,
} from '@agentry/contracts';
import { decideDelete } from '../../domain/decisions.js';
import { ScriptStreams, scriptStreamId, toNewEvent } from '../../script-streams.js';
import { readScriptId } from '../script-id.js';

/** `DELETE /api/v1/script/{id}.json`: the script leaves every read and frees its name; its history stays in the log. */
@Injectable()
export class DeleteScriptUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly streams: ScriptStreams,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute(envelope: RequestEnvelope<DeleteScriptParams>): Promise<DeleteScriptResult> {
    requireRole(envelope.actor, Role.SCRIPTS_WRITE);
    const id = readScriptId(envelope.params);
    const { state, version } = await this.streams.loadScript(id);
    const { deleted, released } = decideDelete(state, {
      orgId: envelope.actor.orgId,
      by: { userId: envelope.actor.userId, keyId: envelope.actor.keyId },
      now: Date.now(),
    });
    const appended = await this.dataSource.transaction(async (manager): Promise<AppendResult> => {
      // The script stream's expected version fences concurrent saves and deletes; the live script holds its name.
      await this.store.append(scriptStreamId(id), StreamType.script, [toNewEvent(deleted, envelope)], {
        expectedVersion: version,
        manager,
      });
      const nameStream = scriptNameStreamId(deleted.data.orgId, deleted.data.name);
      return this.store.append(nameStream, SCRIPT_NAME_STREAM_TYPE, [toNewEvent(released, envelope)], { expectedVersion: 'any', manager });
    });
    await this.projections.waitFor(appended.position);
    return { id };
  }
}
