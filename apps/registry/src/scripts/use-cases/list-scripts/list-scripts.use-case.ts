import { Injectable } from '@nestjs/common';
import type { ListScriptsParams, RequestEnvelope, ScriptDto } from '@agentry/contracts';
import { ScriptsLookup } from '../../read-model/scripts.lookup.js';

/** `GET /api/v1/scripts.json`: the org's scripts, without their text. */
@Injectable()
export class ListScriptsUseCase {
  constructor(private readonly lookup: ScriptsLookup) {}

  execute(envelope: RequestEnvelope<ListScriptsParams>): Promise<ScriptDto[]> {
    return this.lookup.list(envelope.actor.orgId);
  }
}
