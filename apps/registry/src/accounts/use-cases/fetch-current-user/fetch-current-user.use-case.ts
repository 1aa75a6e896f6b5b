import { Injectable } from '@nestjs/common';
import { notFound, type CurrentUserDto, type RequestEnvelope } from '@agentry/contracts';
import { OrgsLookup } from '../../read-model/orgs.lookup.js';
import { UsersLookup } from '../../read-model/users.lookup.js';

/**
 * `Subjects.users.me` (for `GET /api/v1/user.json`): the key's user and the org it acts in. A
 * platform admin acting in another org keeps its own user (and email).
 */
@Injectable()
export class FetchCurrentUserUseCase {
  constructor(
    private readonly users: UsersLookup,
    private readonly orgs: OrgsLookup,
  ) {}

  async execute(envelope: RequestEnvelope<Record<string, never>>): Promise<CurrentUserDto> {
    const { actor } = envelope;
    const [user, org] = await Promise.all([this.users.find(actor.userId), this.orgs.find(actor.orgId)]);
    if (!user || !org) throw notFound('User');
    return { userId: user.id, email: user.email, orgId: org.id, orgName: org.name, roles: actor.roles, platformAdmin: actor.platformAdmin };
  }
}
