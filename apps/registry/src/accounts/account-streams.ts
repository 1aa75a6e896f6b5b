import { Injectable } from '@nestjs/common';
import { ConcurrencyError, EventStore } from '@agentry/event-store';
import { apiKeyStreamId, orgNameStreamId, orgStreamId, type AccountEvent } from '@agentry/contracts';
import { foldApiKey, type ApiKeyState } from './domain/api-key.js';
import { foldOrg, type OrgState } from './domain/org.js';

export interface Loaded<S> {
  state: S | null;
  version: number;
}

/** Loads the accounts feature's streams from the event store (as `AccountEvent`s: the accounts feature alone writes them) and folds them. */
@Injectable()
export class AccountStreams {
  constructor(private readonly store: EventStore) {}

  async loadOrg(orgId: number): Promise<Loaded<OrgState>> {
    const { version, events } = await this.store.readStream<AccountEvent>(orgStreamId(orgId));
    return { state: foldOrg(events), version };
  }

  async loadApiKey(keyId: number): Promise<Loaded<ApiKeyState>> {
    const { version, events } = await this.store.readStream<AccountEvent>(apiKeyStreamId(keyId));
    return { state: foldApiKey(events), version };
  }

  async orgNameClaimed(name: string): Promise<boolean> {
    return (await this.store.readStream(orgNameStreamId(name))).version > 0;
  }
}

/** Domain events become store events carrying who asked (when anyone did) and the request id. */
export { toNewEvent } from '@agentry/messaging';

/**
 * Account commands carry no expected version from the client: they apply to the state as it is
 * now. A lost race is decided again against the new state; only repeated losses surface as 409.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, maxAttempts = 5): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || n >= maxAttempts) throw error;
    }
  }
}
