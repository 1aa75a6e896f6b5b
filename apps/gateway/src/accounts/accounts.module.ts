import { Module } from '@nestjs/common';
import { OrgApiKeysController } from './org-api-keys.controller.js';
import { OrgTagsController } from './org-tags.controller.js';
import { OrgsController } from './orgs.controller.js';
import { UserV1Controller } from './user-v1.controller.js';

/** Orgs, API keys, tags and the v1 user record. */
@Module({ controllers: [OrgsController, OrgApiKeysController, OrgTagsController, UserV1Controller] })
export class AccountsHttpModule {}
