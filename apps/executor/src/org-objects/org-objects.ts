import { Injectable } from '@nestjs/common';
import { EventStore } from '@agentry/event-store';
import { checkJsonObjectText, ORG_OBJECT_STREAM_TYPE, OrgGlobalObjectSaved, type OrgGlobalObjectSavedData } from '@agentry/contracts';

export const orgObjectStreamId = (orgId: number): string => `${ORG_OBJECT_STREAM_TYPE}-${orgId}`;
/** Like the agent object: small, it travels with every request. */
export const GLOBAL_OBJECT_MAX_BYTES = 256 * 1024;

/**
 * An org's global object (a script's `getGlobalObject()` / `setGlobalObject()`): the last
 * `OrgGlobalObjectSaved` of stream `org_object-<orgId>`. Last writer wins, as in the classic API.
 */
/** The one event type of an `org_object-<orgId>` stream. */
type OrgGlobalObjectSaved = { type: typeof OrgGlobalObjectSaved; data: OrgGlobalObjectSavedData };

@Injectable()
export class OrgObjects {
  constructor(private readonly store: EventStore) {}

  async get(orgId: number): Promise<string | null> {
    const streamId = orgObjectStreamId(orgId);
    // The version first, then only the last event: the stream grows with every save.
    const { version } = await this.store.readStream(streamId, { fromVersion: 2 ** 31 - 1 });
    if (version === 0) return null;
    const { events } = await this.store.readStream<OrgGlobalObjectSaved>(streamId, { fromVersion: version });
    return events.at(-1)?.data.globalObject ?? null;
  }

  async set(orgId: number, globalObject: string, containerId: number): Promise<void> {
    checkJsonObjectText(globalObject, 'globalObject', GLOBAL_OBJECT_MAX_BYTES);
    const data: OrgGlobalObjectSavedData = { orgId, globalObject, containerId, savedAt: Date.now() };
    await this.store.append(orgObjectStreamId(orgId), ORG_OBJECT_STREAM_TYPE, [{ type: OrgGlobalObjectSaved, data }], { expectedVersion: 'any' });
  }
}
