import { Injectable } from '@nestjs/common';
import { notFound, type FetchScriptByIdParams, type RequestEnvelope, type ScriptDto } from '@agentry/contracts';
import { ScriptsLookup } from '../../read-model/scripts.lookup.js';
import { readScriptId } from '../script-id.js';
import { withSelectedCode } from '../selected-code.js';

/** `GET /api/v1/script/by-id/{mode}/{id}`; v2 `scripts/fetch` with `branch` / `environment` answers that code. */
@Injectable()
export class FetchScriptByIdUseCase {
  constructor(private readonly lookup: ScriptsLookup) {}

  async execute(envelope: RequestEnvelope<FetchScriptByIdParams>): Promise<ScriptDto> {
    const id = readScriptId(envelope.params);
    const script = await this.lookup.findById(envelope.actor.orgId, id, { withoutText: envelope.params.withoutText === true });
    if (!script) throw notFound('Script');
    return withSelectedCode(this.lookup, envelope.actor.orgId, script, envelope.params);
  }
}
