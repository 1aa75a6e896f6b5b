import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { MASTER_BRANCH, Subjects, validationFailed, type Actor } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readList, readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { toV2Id } from '../http/shapes.js';
import { SCRIPT_VISIBILITY } from './v2-script.shape.js';

/** `master` is branch 0 of every org (created with it). */
const MASTER_ID = '0';

/**
 * v2 `branches/*`: the org's script branches (`master` always; others created and deleted here), each
 * script's staging and release code per branch (`scripts/save` with `branch` writes staging), `release`
 * promoting staging to release and `diff` measuring what differs. Agents run the branch and environment
 * they point at (`branch`, `environment` of `agents/save`). The registry decides (docs/api/scripts.md).
 */
@Controller('api/v2/branches')
export class BranchesV2Controller {
  constructor(private readonly registry: RegistryClient) {}

  @Get('fetch-all')
  async fetchAll(@CurrentActor() actor: Actor) {
    const org = await this.registry.call(Subjects.orgs.fetch, actor, {});
    const branches = await this.registry.call(Subjects.scripts.branches, actor, {});
    return [
      { id: MASTER_ID, name: MASTER_BRANCH, created_at: org.createdAt },
      ...branches.map((b) => ({ id: String(b.id), name: b.name, created_at: b.createdAt })),
    ];
  }

  /** `{name}` → `{id, name}`; a name already taken (`master` always is) is the document's 400. */
  @Post('create')
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const name = readString(p, 'name', { required: true, maxLength: 50 })!;
    const created = await this.registry.call(Subjects.scripts.createBranch, actor, { name });
    return { id: String(created.id), name: created.name };
  }

  /** `{id}`: the branch and every script's code in it go; `master` stays; no such branch is the document's 400. */
  @Post('delete')
  @HttpCode(200)
  async delete(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const id = readString(p, 'id', { required: true, maxLength: 20 })!;
    if (!/^\d{1,9}$/.test(id)) throw validationFailed([{ field: 'id', message: 'must be a branch id (digits)' }]);
    const deleted = await this.registry.call(Subjects.scripts.deleteBranch, actor, { id: Number(id) });
    return { id: String(deleted.id), name: deleted.name };
  }

  /** The scripts that have code in the branch, with how much their staging code differs from their release code. */
  @Get('diff')
  async diff(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const name = readString(p, 'name', { maxLength: 50 }) ?? MASTER_BRANCH;
    const scripts = await this.registry.call(Subjects.scripts.branchDiff, actor, { name });
    return scripts.map((script) => ({
      id: toV2Id(script.id),
      name: script.name,
      diffLength: script.diffLength,
      stagingVisibility: SCRIPT_VISIBILITY,
      releaseVisibility: SCRIPT_VISIBILITY,
      stagingAccessList: [],
      releaseAccessList: [],
    }));
  }

  /** `{name, scriptIds}`: their staging code becomes their release code; none of them in the branch is the document's 412. */
  @Post('release')
  @HttpCode(200)
  async release(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const name = readString(p, 'name', { required: true, maxLength: 50 })!;
    const ids = readList(p, 'scriptIds');
    if (!ids?.length || !ids.every((id) => /^\d{1,16}$/.test(id))) {
      throw validationFailed([{ field: 'scriptIds', message: 'is required: the ids of the scripts to release (digits)' }]);
    }
    const released = await this.registry.call(Subjects.scripts.releaseBranch, actor, { name, scriptIds: ids.map(Number) });
    return { name: released.name, scriptIds: released.scriptIds.map(String) };
  }
}
