import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { DomainError, ErrorCode, Subjects, validationFailed, type Actor } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readList, readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { toV2Id } from '../http/shapes.js';
import { SCRIPT_BRANCH, SCRIPT_VISIBILITY } from './v2-script.shape.js';

const noSuchBranch = (name: string) =>
  new DomainError(ErrorCode.PRECONDITION_FAILED, `No branch ${JSON.stringify(name)}: Agentry scripts have one branch, master`);

/**
 * v2 `branches/*` over Agentry's model: every script has one version, so the org has one branch,
 * `master`, whose staging and release environments are the same code. Listing, diffing and
 * releasing answer what is true of that model (nothing differs, nothing to promote); creating or
 * deleting branches is not provided (501).
 */
@Controller('api/v2/branches')
export class BranchesV2Controller {
  constructor(private readonly registry: RegistryClient) {}

  @Get('fetch-all')
  async fetchAll(@CurrentActor() actor: Actor) {
    const org = await this.registry.call(Subjects.orgs.fetch, actor, {});
    return [{ id: SCRIPT_BRANCH, name: SCRIPT_BRANCH, created_at: org.createdAt }];
  }

  /** The org's scripts with what their staging code differs from their release code by: nothing. */
  @Get('diff')
  async diff(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const name = readString(p, 'name', { maxLength: 50 }) ?? SCRIPT_BRANCH;
    if (name !== SCRIPT_BRANCH) throw noSuchBranch(name);
    const scripts = await this.registry.call(Subjects.scripts.list, actor, {});
    return scripts.map((script) => ({
      id: toV2Id(script.id),
      name: script.name,
      diffLength: 0,
      stagingVisibility: SCRIPT_VISIBILITY,
      releaseVisibility: SCRIPT_VISIBILITY,
      stagingAccessList: [],
      releaseAccessList: [],
    }));
  }

  /** Releasing master: every named script must be the org's (412 otherwise); staging already is release. */
  @Post('release')
  @HttpCode(200)
  async release(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const name = readString(p, 'name', { required: true, maxLength: 50 })!;
    const ids = readList(p, 'scriptIds');
    if (!ids?.length) throw validationFailed([{ field: 'scriptIds', message: 'is required (the scripts to release)' }]);
    if (name !== SCRIPT_BRANCH) throw noSuchBranch(name);
    const own = new Set((await this.registry.call(Subjects.scripts.list, actor, {})).map((s) => String(s.id)));
    const missing = ids.filter((id) => !own.has(id));
    if (missing.length) throw new DomainError(ErrorCode.PRECONDITION_FAILED, `No such script in branch master: ${missing.join(', ')}`);
    return { name, scriptIds: ids };
  }

  @Post('create')
  create(): never {
    throw new DomainError(ErrorCode.NOT_IMPLEMENTED, 'Creating branches is not part of Agentry: scripts have one version (branch master)');
  }

  @Post('delete')
  delete(): never {
    throw new DomainError(ErrorCode.NOT_IMPLEMENTED, 'Deleting branches is not part of Agentry: scripts have one version (branch master)');
  }
}
