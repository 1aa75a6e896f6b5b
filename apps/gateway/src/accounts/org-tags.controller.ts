import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Subjects, type Actor, type CreateTagParams } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { toV2Id } from '../http/shapes.js';
import { v2Tag } from './account-shapes.js';

/** The versioned-agents API tags: ids an agent's `tags` may hold (they must belong to the org). */
@Controller('api/v2/org/tags')
export class OrgTagsController {
  constructor(private readonly registry: RegistryClient) {}

  @Post()
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const params: CreateTagParams = { name: readString(p, 'name')! };
    const tag = await this.registry.call(Subjects.tags.create, actor, params);
    return { id: toV2Id(tag.id) };
  }

  @Get()
  async list(@CurrentActor() actor: Actor) {
    const tags = await this.registry.call(Subjects.tags.list, actor, {});
    return { tags: tags.map(v2Tag) };
  }
}
