import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConcurrencyError, EventStore, ProjectionRunner } from '@agentry/event-store';
import { API_KEY_STREAM_TYPE, ORG_NAME_STREAM_TYPE, ORG_STREAM_TYPE, Role, apiKeyStreamId, orgNameStreamId, orgStreamId, type Actor } from '@agentry/contracts';
import { AccountStreams, toNewEvent } from './account-streams.js';
import { decideIssueKey } from './domain/api-key.js';
import { ApiKeyHasher } from './domain/api-key-secret.js';
import { decideCreateOrg, orgNameTaken, type CreateOrgCommand } from './domain/org.js';

export interface FoundedOrg {
  orgId: number;
  adminUserId: number;
  keyId: number;
}

export interface FirstKey {
  /** The key in clear: hashed here, never stored. */
  key: string;
  name: string;
  platformAdmin: boolean;
}

/**
 * Creates an org with its admin user and first org-admin key, all in one transaction: the
 * `org_name-<name>` claim, the `org-<id>` stream and the `api_key-<id>` stream. A taken name
 * (also: a concurrent create of the same name) is ALREADY_EXISTS and leaves nothing behind.
 * Used by `POST /api/v2/orgs` and by the first-org bootstrap.
 */
@Injectable()
export class OrgFounder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly streams: AccountStreams,
    private readonly hasher: ApiKeyHasher,
    private readonly projections: ProjectionRunner,
  ) {}

  async found(command: CreateOrgCommand, firstKey: FirstKey, by?: { actor: Actor; requestId?: string }): Promise<FoundedOrg> {
    if (await this.streams.orgNameClaimed(command.name)) throw orgNameTaken(command.name);
    const [orgId, adminUserId, keyId] = await Promise.all([this.store.nextId('org'), this.store.nextId('user'), this.store.nextId('api_key')]);
    const now = Date.now();
    const performer = by && { userId: by.actor.userId, keyId: by.actor.keyId };
    const org = decideCreateOrg(command, { orgId, adminUserId }, now, performer);
    const issued = decideIssueKey(
      {
        keyId,
        orgId,
        userId: adminUserId,
        name: firstKey.name,
        roles: [Role.ORG_ADMIN],
        platformAdmin: firstKey.platformAdmin,
        digest: this.hasher.digest(firstKey.key),
        createdBy: performer,
      },
      now,
    );
    try {
      const last = await this.dataSource.transaction(async (manager) => {
        await this.store.append(orgNameStreamId(command.name), ORG_NAME_STREAM_TYPE, [toNewEvent(org.claim, by)], { expectedVersion: 0, manager });
        await this.store.append(
          orgStreamId(orgId),
          ORG_STREAM_TYPE,
          org.org.map((e) => toNewEvent(e, by)),
          { expectedVersion: 0, manager },
        );
        return this.store.append(apiKeyStreamId(keyId), API_KEY_STREAM_TYPE, [toNewEvent(issued, by)], { expectedVersion: 0, manager });
      });
      await this.projections.waitFor(last.position);
    } catch (error) {
      if (error instanceof ConcurrencyError) throw orgNameTaken(command.name);
      throw error;
    }
    return { orgId, adminUserId, keyId };
  }
}
