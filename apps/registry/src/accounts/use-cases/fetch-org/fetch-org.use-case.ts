import { Injectable } from '@nestjs/common';
import { notFound, type FetchOrgParams, type OrgDto, type RequestEnvelope } from '@agentry/contracts';
import { OrgsLookup } from '../../read-model/orgs.lookup.js';

/** `GET /api/v2/orgs/fetch`: the caller's org and its plan. */
@Injectable()
export class FetchOrgUseCase {
  constructor(private readonly orgs: OrgsLookup) {}

  async execute(envelope: RequestEnvelope<FetchOrgParams>): Promise<OrgDto> {
    const org = await this.orgs.find(envelope.actor.orgId);
    if (!org) throw notFound('Org');
    return org;
  }
}
