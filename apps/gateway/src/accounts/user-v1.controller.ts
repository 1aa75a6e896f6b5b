import { Controller, Get } from '@nestjs/common';
import { Subjects, type Actor } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { RegistryClient } from '../http/registry.client.js';
import { jsend } from '../http/shapes.js';
import { v1User } from './account-shapes.js';

@Controller('api/v1')
export class UserV1Controller {
  constructor(private readonly registry: RegistryClient) {}

  /** The v1 API: the account and its agents. */
  /** The v1 document's `/user`, and the v1 API's `/user.json`. */
  @Get(['user.json', 'user'])
  async user(@CurrentActor() actor: Actor) {
    const [user, { agents }] = await Promise.all([this.registry.call(Subjects.users.me, actor, {}), this.registry.call(Subjects.agents.fetchAll, actor, {})]);
    return jsend(v1User(user, agents));
  }
}
