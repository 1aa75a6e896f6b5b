import { Injectable } from '@nestjs/common';
import { EventStore, ProjectionRunner } from '@agentry/event-store';
import { ORG_STREAM_TYPE, Role, notFound, orgStreamId, requireRole, type CreateTagParams, type RequestEnvelope, type TagDto } from '@agentry/contracts';
import { AccountStreams, retryOnConflict, toNewEvent } from '../../account-streams.js';
import { decideCreateTag, parseTagName } from '../../domain/org.js';

/**
 * `POST /api/v2/org/tags`: tags organise agents, so whoever may create or update agents may create
 * them. Decided on the org stream, which keeps names unique per org.
 */
@Injectable()
export class CreateTagUseCase {
  constructor(
    private readonly store: EventStore,
    private readonly streams: AccountStreams,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute(envelope: RequestEnvelope<CreateTagParams>): Promise<TagDto> {
    const { actor } = envelope;
    requireRole(actor, Role.AGENTS_CREATE, Role.AGENTS_UPDATE);
    const name = parseTagName(envelope.params?.name);
    const tagId = await this.store.nextId('tag');
    return retryOnConflict(async () => {
      const { state, version } = await this.streams.loadOrg(actor.orgId);
      if (!state) throw notFound('Org');
      const created = decideCreateTag(state, name, tagId, Date.now(), { userId: actor.userId, keyId: actor.keyId });
      const appended = await this.store.append(orgStreamId(actor.orgId), ORG_STREAM_TYPE, [toNewEvent(created, envelope)], {
        expectedVersion: version,
      });
      await this.projections.waitFor(appended.position);
      return { id: tagId, name: created.data.name, createdAt: created.data.createdAt };
    });
  }
}
