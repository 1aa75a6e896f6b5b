import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  notFound,
  Subjects,
  validationFailed,
  type Actor,
  type SaveScriptParams,
  type ScriptCodeSelector,
  type ScriptDto,
} from '@agentry/contracts';
import { orgSlugOf } from '../accounts/org-slug.js';
import { CurrentActor } from '../http/auth.guard.js';
import { readBool, readFlag, readId, readList, readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { toV2Id } from '../http/shapes.js';
import { readScriptText } from './script-params.js';
import { SCRIPT_BRANCH, SCRIPT_VISIBILITY, v2ListedScript, v2Script, type ScriptOrg } from './v2-script.shape.js';

/**
 * `branch` / `environment` as the v2 document sends them: which code of the script is meant (default
 * `master`, `release`). The registry checks them (400 naming a bad one, 412 when the script has no code
 * there).
 */
function readSelector(p: RawParams): ScriptCodeSelector {
  const branch = readString(p, 'branch', { maxLength: 50 });
  const environment = readString(p, 'environment', { maxLength: 20 });
  return { ...(branch !== undefined ? { branch } : {}), ...(environment !== undefined ? { environment } : {}) };
}

/** v2 script endpoints: bare objects, string ids, Unix ms. */
@Controller('api/v2/scripts')
export class ScriptsV2Controller {
  constructor(private readonly registry: RegistryClient) {}

  /** `?id=` or `?name=`; `withCode` (or `withText`) adds the code of `branch` / `environment` (default master, release). */
  @Get('fetch')
  async fetch(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const selector = readSelector(p);
    const withoutText = !(readFlag(p, 'withText') || readFlag(p, 'withCode'));
    const name = readString(p, 'name');
    let script: ScriptDto;
    if (p['id'] === undefined && name !== undefined) {
      script = await this.registry.call(Subjects.scripts.fetchByName, actor, { name, withoutText, ...selector });
    } else {
      if (p['id'] === undefined) throw validationFailed([{ field: 'id', message: 'is required (or give name)' }]);
      script = await this.registry.call(Subjects.scripts.fetchById, actor, { id: readId(p, 'id')!, withoutText, ...selector });
    }
    return v2Script(script, await this.org(actor), selector);
  }

  /** `scriptIds` (a list, JSON array or comma-separated) keeps those scripts only. */
  @Get('fetch-all')
  async fetchAll(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const { branch } = readSelector(p);
    const ids = readList(p, 'scriptIds');
    if (ids && !ids.every((id) => /^\d{1,16}$/.test(id))) throw validationFailed([{ field: 'scriptIds', message: 'must be script ids (digits)' }]);
    // `org` naming another org asks for its public scripts: Agentry has none, so nothing is listed.
    const org = readString(p, 'org', { maxLength: 100 });
    if (org !== undefined && !(await this.isOwnOrg(actor, org))) return [];
    const scripts = await this.registry.call(Subjects.scripts.list, actor, {});
    // `branch`: only the scripts with code in it (every script has code in master; no such branch is a 400).
    const inBranch =
      branch === undefined || branch === SCRIPT_BRANCH
        ? null
        : new Set((await this.registry.call(Subjects.scripts.branchDiff, actor, { name: branch })).map((s) => s.id));
    return scripts.filter((script) => (!ids || ids.includes(String(script.id))) && (!inBranch || inBranch.has(script.id))).map(v2ListedScript);
  }

  /**
   * `?script=<name>`: `{code}`. `org` may only name the caller's own org (by slug or id): Agentry has
   * no public scripts, so another org's script is not found.
   */
  @Get('code')
  async code(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const selector = readSelector(p);
    const name = readString(p, 'script', { required: true, maxLength: 200 })!;
    const org = readString(p, 'org', { maxLength: 100 });
    if (org !== undefined && !(await this.isOwnOrg(actor, org))) throw notFound('Script');
    const script = await this.registry.call(Subjects.scripts.fetchByName, actor, { name, withoutText: false, ...selector });
    return { code: script.text ?? '' };
  }

  /**
   * `{name, code}` as documented (`text` is Agentry's older name for `code`); `{id, code}` updates
   * the script with that id; `branch` writes that branch's staging code only. Answers `{id, name}` plus
   * `created` and `nonce`.
   */
  @Post('save')
  @HttpCode(200)
  async save(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const { branch } = readSelector(p);
    let name = readString(p, 'name');
    if (name === undefined && p['id'] !== undefined) {
      name = (await this.registry.call(Subjects.scripts.fetchById, actor, { id: readId(p, 'id')!, withoutText: true })).name;
    }
    if (name === undefined) throw validationFailed([{ field: 'name', message: 'is required (or give the id of the script to update)' }]);
    const params: SaveScriptParams = {
      name,
      text: readScriptText(p, p['code'] !== undefined ? 'code' : 'text'),
      source: readString(p, 'source'),
      insertOnly: readBool(p, 'insertOnly') ?? false,
      ...(branch !== undefined ? { branch } : {}),
    };
    const saved = await this.registry.call(Subjects.scripts.save, actor, params);
    return { id: toV2Id(saved.id), name, created: saved.created, nonce: saved.nonce };
  }

  @Post('delete')
  @HttpCode(200)
  async delete(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    await this.requireBranch(actor, p);
    const deleted = await this.registry.call(Subjects.scripts.delete, actor, { id: readId(p, 'id')! });
    return { id: toV2Id(deleted.id) };
  }

  /** Scripts stay private to their org: `private` is accepted (it is what they are), sharing is not provided. */
  @Post('visibility')
  @HttpCode(200)
  async visibility(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const script = await this.namedScript(actor, p);
    const visibility = readString(p, 'visibility', { required: true })!;
    if (visibility !== SCRIPT_VISIBILITY) {
      throw new DomainError(ErrorCode.NOT_IMPLEMENTED, `Visibility ${JSON.stringify(visibility)} is not part of Agentry: scripts are private to their org`);
    }
    return { id: toV2Id(script.id), visibility };
  }

  /** Sharing a script with other orgs is not provided; an empty change is answered as done. */
  @Post('access-list')
  @HttpCode(200)
  async accessList(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const script = await this.namedScript(actor, p);
    if (readString(p, 'add') !== undefined) {
      throw new DomainError(ErrorCode.NOT_IMPLEMENTED, 'Sharing scripts with other orgs is not part of Agentry: scripts are private to their org');
    }
    readString(p, 'remove');
    return { id: toV2Id(script.id), accessList: [] };
  }

  private async namedScript(actor: Actor, p: RawParams): Promise<ScriptDto> {
    const name = readString(p, 'name', { required: true, maxLength: 200 })!;
    const branch = readString(p, 'branch', { required: true, maxLength: 50 })!;
    return this.registry.call(Subjects.scripts.fetchByName, actor, { name, withoutText: true, branch, environment: 'staging' });
  }

  /** A `branch` named alongside an operation on the whole script must be one the script has code in (412 otherwise). */
  private async requireBranch(actor: Actor, p: RawParams): Promise<void> {
    const { branch } = readSelector(p);
    if (branch === undefined || branch === SCRIPT_BRANCH) return;
    await this.registry.call(Subjects.scripts.fetchById, actor, { id: readId(p, 'id')!, withoutText: true, branch, environment: 'staging' });
  }

  /** `org` as the document sends it: the caller's own org by slug or id. */
  private async isOwnOrg(actor: Actor, org: string): Promise<boolean> {
    const own = await this.org(actor);
    return org === own.slug || org === String(own.id);
  }

  private async org(actor: Actor): Promise<ScriptOrg> {
    const org = await this.registry.call(Subjects.orgs.fetch, actor, {});
    return { id: org.id, slug: orgSlugOf(org) };
  }
}
