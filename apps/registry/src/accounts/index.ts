import type { RegistryFeature } from '../platform/feature.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { AccountsModule } from './accounts.module.js';
import { KeyInvalidations } from './key-invalidations.js';
import { bootstrapFirstOrg } from './bootstrap/bootstrap-first-org.js';
import { AccountsReadModel1732600000300 } from './read-model/accounts-read-model.migration.js';
import { accountsProjection } from './read-model/accounts.projection.js';
import { accountsEntities } from './read-model/entities.js';
import { OrgRunningCap1765000000600 } from './read-model/org-running-cap.migration.js';

export { AccountsModule } from './accounts.module.js';
export { OrgPlans } from './read-model/orgs.lookup.js';
export { TagsLookup } from './read-model/tags.lookup.js';

export const accountsFeature: RegistryFeature = {
  name: 'accounts',
  module: AccountsModule,
  entities: accountsEntities,
  migrations: [AccountsReadModel1732600000300, OrgRunningCap1765000000600],
  projections: [accountsProjection],
  onStart: async (app, config) => {
    // Revokes are pushed to the gateways on the connection the registry answers on (key-invalidations.ts).
    if ('unwrap' in app && typeof app.unwrap === 'function') app.get(KeyInvalidations).attach(() => (app.unwrap as () => NatsConnection)());
    await bootstrapFirstOrg(app, config);
  },
};
