import { Injectable } from '@nestjs/common';
import { notFound, validationFailed, type FetchScriptByNameParams, type RequestEnvelope, type ScriptDto } from '@agentry/contracts';
import { ScriptsLookup } from '../../read-model/scripts.lookup.js';
import { withSelectedCode } from '../selected-code.js';

/** `GET /api/v1/script/by-name/{mode}/{name}`. A name no script could have is simply not found. */
@Injectable()
export class FetchScriptByNameUseCase {
  constructor(private readonly lookup: ScriptsLookup) {}

  async execute(envelope: RequestEnvelope<FetchScriptByNameParams>): Promise<ScriptDto> {
    const name = envelope.params?.name;
    if (typeof name !== 'string' || name === '') throw validationFailed([{ field: 'name', message: 'is required' }]);
    const script = await this.lookup.findByName(envelope.actor.orgId, name, { withoutText: envelope.params.withoutText === true });
    if (!script) throw notFound('Script');
    return withSelectedCode(this.lookup, envelope.actor.orgId, script, envelope.params);
  }
}
