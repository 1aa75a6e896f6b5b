import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import {
  Subjects,
  type CreateApiKeyParams,
  type CreateOrgParams,
  type CreateTagParams,
  type FetchOrgParams,
  type ListApiKeysParams,
  type ListTagsParams,
  type RequestEnvelope,
  type RevokeApiKeyParams,
  type VerifyKeyParams,
} from '@agentry/contracts';
import { CreateApiKeyUseCase } from './use-cases/create-api-key/create-api-key.use-case.js';
import { CreateOrgUseCase } from './use-cases/create-org/create-org.use-case.js';
import { CreateTagUseCase } from './use-cases/create-tag/create-tag.use-case.js';
import { FetchCurrentUserUseCase } from './use-cases/fetch-current-user/fetch-current-user.use-case.js';
import { FetchOrgUseCase } from './use-cases/fetch-org/fetch-org.use-case.js';
import { ListApiKeysUseCase } from './use-cases/list-api-keys/list-api-keys.use-case.js';
import { ListTagsUseCase } from './use-cases/list-tags/list-tags.use-case.js';
import { RevokeApiKeyUseCase } from './use-cases/revoke-api-key/revoke-api-key.use-case.js';
import { VerifyApiKeyUseCase } from './use-cases/verify-api-key/verify-api-key.use-case.js';

/** NATS handlers of the accounts feature: one line each, the work is in the use cases. */
@Controller()
export class AccountsController {
  constructor(
    private readonly verifyApiKey: VerifyApiKeyUseCase,
    private readonly createOrg: CreateOrgUseCase,
    private readonly fetchOrg: FetchOrgUseCase,
    private readonly createApiKey: CreateApiKeyUseCase,
    private readonly listApiKeys: ListApiKeysUseCase,
    private readonly revokeApiKey: RevokeApiKeyUseCase,
    private readonly fetchCurrentUser: FetchCurrentUserUseCase,
    private readonly createTag: CreateTagUseCase,
    private readonly listTags: ListTagsUseCase,
  ) {}

  /** The one subject without an actor: it is how the gateway gets one. */
  @MessagePattern(Subjects.auth.verifyKey)
  verifyKey(@Payload() envelope: { params?: VerifyKeyParams }) {
    return rpcReply(() => this.verifyApiKey.execute(envelope));
  }

  @MessagePattern(Subjects.orgs.create)
  orgsCreate(@Payload() envelope: RequestEnvelope<CreateOrgParams>) {
    return rpcReply(() => this.createOrg.execute(envelope));
  }

  @MessagePattern(Subjects.orgs.fetch)
  orgsFetch(@Payload() envelope: RequestEnvelope<FetchOrgParams>) {
    return rpcReply(() => this.fetchOrg.execute(envelope));
  }

  @MessagePattern(Subjects.apiKeys.create)
  apiKeysCreate(@Payload() envelope: RequestEnvelope<CreateApiKeyParams>) {
    return rpcReply(() => this.createApiKey.execute(envelope));
  }

  @MessagePattern(Subjects.apiKeys.list)
  apiKeysList(@Payload() envelope: RequestEnvelope<ListApiKeysParams>) {
    return rpcReply(() => this.listApiKeys.execute(envelope));
  }

  @MessagePattern(Subjects.apiKeys.revoke)
  apiKeysRevoke(@Payload() envelope: RequestEnvelope<RevokeApiKeyParams>) {
    return rpcReply(() => this.revokeApiKey.execute(envelope));
  }

  @MessagePattern(Subjects.users.me)
  usersMe(@Payload() envelope: RequestEnvelope<Record<string, never>>) {
    return rpcReply(() => this.fetchCurrentUser.execute(envelope));
  }

  @MessagePattern(Subjects.tags.create)
  tagsCreate(@Payload() envelope: RequestEnvelope<CreateTagParams>) {
    return rpcReply(() => this.createTag.execute(envelope));
  }

  @MessagePattern(Subjects.tags.list)
  tagsList(@Payload() envelope: RequestEnvelope<ListTagsParams>) {
    return rpcReply(() => this.listTags.execute(envelope));
  }
}
