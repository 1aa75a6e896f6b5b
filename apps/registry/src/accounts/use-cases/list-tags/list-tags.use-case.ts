import { Injectable } from '@nestjs/common';
import type { ListTagsParams, RequestEnvelope, TagDto } from '@agentry/contracts';
import { TagsLookup } from '../../read-model/tags.lookup.js';

/** `GET /api/v2/org/tags`: the org's tags, oldest first. */
@Injectable()
export class ListTagsUseCase {
  constructor(private readonly tags: TagsLookup) {}

  execute(envelope: RequestEnvelope<ListTagsParams>): Promise<TagDto[]> {
    return this.tags.list(envelope.actor.orgId);
  }
}
