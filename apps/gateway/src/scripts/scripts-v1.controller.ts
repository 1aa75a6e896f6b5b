import { Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  Subjects,
  validationFailed,
  type Actor,
  type FetchScriptByIdParams,
  type FetchScriptByNameParams,
  type SaveScriptParams,
  type ScriptDto,
} from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readFlag, readId, readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { jsend } from '../http/shapes.js';
import { readScriptMode, readScriptText } from './script-params.js';
import { v1ScriptListEntry, v1ScriptRecord } from './v1-script.shape.js';

/** The v1 API's script endpoints: JSend, times in seconds. */
@Controller('api/v1')
export class ScriptsV1Controller {
  constructor(private readonly registry: RegistryClient) {}

  @Get('script/by-id/:mode/:id')
  async byId(@CurrentActor() actor: Actor, @Params() p: RawParams, @Res({ passthrough: true }) reply: FastifyReply) {
    const mode = readScriptMode(p);
    const params: FetchScriptByIdParams = { id: readId(p, 'id')!, withoutText: mode === 'json' && readFlag(p, 'withoutText') };
    return this.answer(mode, await this.registry.call(Subjects.scripts.fetchById, actor, params), reply);
  }

  @Get('script/by-name/:mode/:name')
  async byName(@CurrentActor() actor: Actor, @Params() p: RawParams, @Res({ passthrough: true }) reply: FastifyReply) {
    const mode = readScriptMode(p);
    const params: FetchScriptByNameParams = {
      name: readString(p, 'name', { required: true })!,
      withoutText: mode === 'json' && readFlag(p, 'withoutText'),
    };
    return this.answer(mode, await this.registry.call(Subjects.scripts.fetchByName, actor, params), reply);
  }

  @Get('scripts.json')
  async list(@CurrentActor() actor: Actor) {
    const scripts = await this.registry.call(Subjects.scripts.list, actor, {});
    return jsend(scripts.map(v1ScriptListEntry));
  }

  @Delete('script/:id.json')
  async delete(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    await this.registry.call(Subjects.scripts.delete, actor, { id: readId(p, 'id')! });
    return jsend(null);
  }

  /**
   * Create answers the new id as `data`; an update answers `data: null` (the classic SDK tells
   * the two apart by `typeof data === 'number'`).
   */
  @Post('script/:name')
  @HttpCode(200)
  async save(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const params: SaveScriptParams = {
      name: readString(p, 'name', { required: true })!,
      text: readScriptText(p),
      source: readString(p, 'source'),
      insertOnly: readFlag(p, 'insertOnly'),
    };
    const saved = await this.registry.call(Subjects.scripts.save, actor, params);
    return jsend(saved.created ? saved.id : null);
  }

  /**
   * What the public script uploader (phantombuster-sdk) sends after each upload: the script's store
   * manifest (`infoString`, JSON text) and its `markdown`. Agentry has no script store, so both are
   * checked and not kept — the answer says so; the uploader only looks at `status`.
   */
  @Post('store-info/by-name/:name')
  @HttpCode(200)
  async storeInfo(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const name = readString(p, 'name', { required: true })!;
    const infoString = p['infoString'];
    if (infoString !== undefined && infoString !== null && infoString !== '' && !(typeof infoString === 'object' && !Array.isArray(infoString))) {
      if (typeof infoString !== 'string') throw validationFailed([{ field: 'infoString', message: 'must be JSON text or an object' }]);
      try {
        JSON.parse(infoString);
      } catch {
        throw validationFailed([{ field: 'infoString', message: 'must be valid JSON' }]);
      }
    }
    readString(p, 'markdown');
    await this.registry.call(Subjects.scripts.fetchByName, actor, { name, withoutText: true });
    return { status: 'success', message: 'Store settings are not kept: Agentry has no script store' };
  }

  private answer(mode: 'json' | 'raw', script: ScriptDto, reply: FastifyReply) {
    if (mode === 'json') return jsend(v1ScriptRecord(script));
    reply.type('text/plain; charset=utf-8');
    return script.text ?? '';
  }
}
