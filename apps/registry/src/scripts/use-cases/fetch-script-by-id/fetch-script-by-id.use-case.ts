import { Injectable } from '@nestjs/common';
import { notFound, type FetchScriptByIdParams, type RequestEnvelope, type ScriptDto } from '@agentry/contracts';
import { ScriptsLookup } from '../../read-model/scripts.lookup.js';
import { readScriptId } from '../script-id.js';

/** `GET /api/v1/script/by-id/{mode}/{id}`. */
@Injectable()
export class FetchScriptByIdUseCase {
  constructor(private readonly lookup: ScriptsLookup) {}

  async execute(envelope: RequestEnvelope<FetchScriptByIdParams>): Promise<ScriptDto> {
    const id = readScriptId(envelope.params);
    const script = await this.lookup.findById(envelope.actor.orgId, id, { withoutText: envelope.params.withoutText === true });
    if (!script) throw notFound('Script');
    return script;
  }
}
