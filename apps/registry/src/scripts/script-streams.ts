import { Injectable } from '@nestjs/common';
import { EventStore } from '@agentry/event-store';
import { StreamType, scriptBranchesStreamId, scriptNameStreamId, streamId, type ScriptEvent } from '@agentry/contracts';
import { foldBranches, type BranchesState } from './domain/branches.js';
import { foldNameHolder } from './domain/name-claim.js';
import { foldScript, type ScriptState } from './domain/script.js';

export interface LoadedScript {
  state: ScriptState | null;
  version: number;
}

export interface LoadedNameHolder {
  scriptId: number | null;
  version: number;
}

export const scriptStreamId = (id: number): string => streamId(StreamType.script, id);

/** Loads the scripts feature's streams from the event store (as `ScriptEvent`s: the scripts feature alone writes them) and folds them. */
@Injectable()
export class ScriptStreams {
  constructor(private readonly store: EventStore) {}

  async loadScript(id: number): Promise<LoadedScript> {
    const { version, events } = await this.store.readStream<ScriptEvent>(scriptStreamId(id));
    return { state: foldScript(events), version };
  }

  async loadBranches(orgId: number): Promise<{ state: BranchesState; version: number }> {
    const { version, events } = await this.store.readStream<ScriptEvent>(scriptBranchesStreamId(orgId));
    return { state: foldBranches(events), version };
  }

  async loadNameHolder(orgId: number, name: string): Promise<LoadedNameHolder> {
    const { version, events } = await this.store.readStream<ScriptEvent>(scriptNameStreamId(orgId, name));
    return { scriptId: foldNameHolder(events), version };
  }
}

/** Domain events become store events carrying who asked and the request id for tracing. */
export { toNewEvent } from '@agentry/messaging';
