import { Module } from '@nestjs/common';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config.js';
import { AccountStreams } from './account-streams.js';
import { AccountsController } from './accounts.controller.js';
import { ApiKeyHasher } from './domain/api-key-secret.js';
import { KeyInvalidations } from './key-invalidations.js';
import { OrgFounder } from './org-founder.js';
import { ApiKeysLookup } from './read-model/api-keys.lookup.js';
import { OrgPlans, OrgsLookup } from './read-model/orgs.lookup.js';
import { TagsLookup } from './read-model/tags.lookup.js';
import { UsersLookup } from './read-model/users.lookup.js';
import { CreateApiKeyUseCase } from './use-cases/create-api-key/create-api-key.use-case.js';
import { CreateOrgUseCase } from './use-cases/create-org/create-org.use-case.js';
import { CreateTagUseCase } from './use-cases/create-tag/create-tag.use-case.js';
import { FetchCurrentUserUseCase } from './use-cases/fetch-current-user/fetch-current-user.use-case.js';
import { FetchOrgUseCase } from './use-cases/fetch-org/fetch-org.use-case.js';
import { ListApiKeysUseCase } from './use-cases/list-api-keys/list-api-keys.use-case.js';
import { ListTagsUseCase } from './use-cases/list-tags/list-tags.use-case.js';
import { RevokeApiKeyUseCase } from './use-cases/revoke-api-key/revoke-api-key.use-case.js';
import { VerifyApiKeyUseCase } from './use-cases/verify-api-key/verify-api-key.use-case.js';

/** Import this module to inject `OrgPlans` or `TagsLookup` in another registry feature. */
@Module({
  controllers: [AccountsController],
  providers: [
    { provide: ApiKeyHasher, useFactory: (config: RegistryConfig) => new ApiKeyHasher(config.secretKey), inject: [REGISTRY_CONFIG] },
    AccountStreams,
    KeyInvalidations,
    OrgFounder,
    OrgsLookup,
    OrgPlans,
    UsersLookup,
    ApiKeysLookup,
    TagsLookup,
    VerifyApiKeyUseCase,
    CreateOrgUseCase,
    FetchOrgUseCase,
    CreateApiKeyUseCase,
    ListApiKeysUseCase,
    RevokeApiKeyUseCase,
    FetchCurrentUserUseCase,
    CreateTagUseCase,
    ListTagsUseCase,
  ],
  exports: [OrgPlans, TagsLookup],
})
export class AccountsModule {}
