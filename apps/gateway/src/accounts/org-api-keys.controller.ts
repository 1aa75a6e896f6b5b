import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { Subjects, type Actor, type CreateApiKeyParams, type RevokeApiKeyParams, type Role } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readId, readList, readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { v2ApiKey, v2CreatedApiKey } from './account-shapes.js';

/** The org's API keys (org admin). A key is shown once, when created; lists show its prefix only. */
@Controller('api/v2/org/api-keys')
export class OrgApiKeysController {
  constructor(private readonly registry: RegistryClient) {}

  @Post()
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const params: CreateApiKeyParams = { name: readString(p, 'name'), roles: readList(p, 'roles') as Role[] };
    return v2CreatedApiKey(await this.registry.call(Subjects.apiKeys.create, actor, params));
  }

  @Get()
  async list(@CurrentActor() actor: Actor) {
    const keys = await this.registry.call(Subjects.apiKeys.list, actor, {});
    return { apiKeys: keys.map(v2ApiKey) };
  }

  @Delete(':id')
  async delete(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.revokeKey(actor, p);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  async revoke(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.revokeKey(actor, p);
  }

  private async revokeKey(actor: Actor, p: RawParams) {
    const params: RevokeApiKeyParams = { id: readId(p, 'id')! };
    return v2ApiKey(await this.registry.call(Subjects.apiKeys.revoke, actor, params));
  }
}
