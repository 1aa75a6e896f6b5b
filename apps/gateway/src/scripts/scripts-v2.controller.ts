import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  Subjects,
  validationFailed,
  type Actor,
  type DeleteScriptParams,
  type DeleteScriptResult,
  type SaveScriptParams,
  type SaveScriptResult,
  type ScriptDto,
} from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readBool, readFlag, readId, readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { toV2Id } from '../http/shapes.js';
import { readScriptText } from './script-params.js';
import { v2Script } from './v2-script.shape.js';

/** v2 script endpoints: bare objects, string ids, Unix ms. */
@Controller('api/v2/scripts')
export class ScriptsV2Controller {
  constructor(private readonly registry: RegistryClient) {}

  /** `?id=` or `?name=`; `withText` (alias `withCode`) adds the script's text. */
  @Get('fetch')
  async fetch(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const withoutText = !(readFlag(p, 'withText') || readFlag(p, 'withCode'));
    const name = readString(p, 'name');
    if (p['id'] === undefined && name !== undefined) {
      return v2Script(await this.registry.call<ScriptDto>(Subjects.scripts.fetchByName, actor, { name, withoutText }));
    }
    if (p['id'] === undefined) throw validationFailed([{ field: 'id', message: 'is required (or give name)' }]);
    return v2Script(await this.registry.call<ScriptDto>(Subjects.scripts.fetchById, actor, { id: readId(p, 'id')!, withoutText }));
  }

  @Get('fetch-all')
  async fetchAll(@CurrentActor() actor: Actor) {
    const scripts = await this.registry.call<ScriptDto[]>(Subjects.scripts.list, actor, {});
    return scripts.map(v2Script);
  }

  @Post('save')
  @HttpCode(200)
  async save(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const params: SaveScriptParams = {
      name: readString(p, 'name', { required: true })!,
      text: readScriptText(p),
      source: readString(p, 'source'),
      insertOnly: readBool(p, 'insertOnly') ?? false,
    };
    const saved = await this.registry.call<SaveScriptResult>(Subjects.scripts.save, actor, params);
    return { id: toV2Id(saved.id), created: saved.created, nonce: saved.nonce };
  }

  @Post('delete')
  @HttpCode(200)
  async delete(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const deleted = await this.registry.call<DeleteScriptResult, DeleteScriptParams>(Subjects.scripts.delete, actor, { id: readId(p, 'id')! });
    return { id: toV2Id(deleted.id) };
  }
}
