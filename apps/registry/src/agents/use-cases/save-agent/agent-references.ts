import { Injectable } from '@nestjs/common';
import { validationFailed, type FieldError } from '@agentry/contracts';
import { TagsLookup } from '../../../accounts/index.js';
import { ScriptsLookup } from '../../../scripts/index.js';
import type { ParsedSaveInput, ScriptRef } from '../../domain/parse-save-input.js';
import { AgentsLookup, isStorableId } from '../../read-model/agents.lookup.js';

export interface ResolvedScript {
  scriptId: number | null;
  scriptName: string | null;
}

/**
 * Checks that everything a save points to belongs to the caller's org: the `org` itself, the
 * script (by id and/or name), the tags and the after-agent. Reports all problems at once.
 */
@Injectable()
export class AgentReferences {
  constructor(
    private readonly scripts: ScriptsLookup,
    private readonly tags: TagsLookup,
    private readonly agents: AgentsLookup,
  ) {}

  /** Resolves the script binding; `undefined` when the save does not touch it. */
  async check(orgId: number, input: ParsedSaveInput, selfId: number | null): Promise<ResolvedScript | undefined> {
    const problems: FieldError[] = [];
    if (input.org !== null && input.org !== orgId) {
      problems.push({
        field: 'org',
        message: `No such org: your API key acts in org ${orgId}; leave "org" out or select the org with the X-Phantombuster-Org header`,
      });
    }
    const script = await this.resolveScript(orgId, input.script, problems);
    await this.checkTags(orgId, input.patch.tags, problems);
    await this.checkAfterAgent(orgId, input.patch.launchAfterAgentId, selfId, problems);
    if (problems.length) throw validationFailed(problems);
    return script;
  }

  private async resolveScript(orgId: number, ref: ScriptRef | null | undefined, problems: FieldError[]): Promise<ResolvedScript | undefined> {
    if (ref === undefined) return undefined;
    if (ref === null) return { scriptId: null, scriptName: null };
    const byId = ref.id === undefined ? undefined : await this.scripts.findById(orgId, ref.id, { withoutText: true });
    const byName = ref.name === undefined ? undefined : await this.scripts.findByName(orgId, ref.name, { withoutText: true });
    if (byId === null) problems.push({ field: 'scriptId', message: `No such script: ${ref.id} is not a script of your org` });
    if (byName === null) problems.push({ field: 'script', message: `No such script: "${ref.name}" is not a script of your org` });
    if (byId && byName && byId.id !== byName.id) {
      problems.push({ field: 'script', message: `names script ${byName.id}, but scriptId is ${byId.id}; send one of them` });
    }
    const found = byId ?? byName;
    return found ? { scriptId: found.id, scriptName: found.name } : undefined;
  }

  private async checkTags(orgId: number, tags: number[] | undefined, problems: FieldError[]): Promise<void> {
    if (!tags?.length) return;
    const unstorable = tags.filter((t) => !isStorableId(t));
    const missing = [...unstorable, ...(await this.tags.missingFromOrg(orgId, tags.filter(isStorableId)))];
    if (missing.length) problems.push({ field: 'tags', message: `${missing.join(', ')} ${missing.length > 1 ? 'are not tags' : 'is not a tag'} of your org` });
  }

  private async checkAfterAgent(orgId: number, afterId: number | null | undefined, selfId: number | null, problems: FieldError[]): Promise<void> {
    if (afterId === undefined || afterId === null) return;
    if (afterId === selfId) problems.push({ field: 'launchAfterAgentId', message: 'must be another agent than this one' });
    else if (!(await this.agents.exists(orgId, afterId))) {
      problems.push({ field: 'launchAfterAgentId', message: `No such agent: ${afterId} is not an agent of your org` });
    } else if (selfId !== null && (await this.agents.afterAgentChain(orgId, afterId)).includes(selfId)) {
      problems.push({
        field: 'launchAfterAgentId',
        message: `would make a cycle: agent ${afterId} already launches after this agent (directly or through others)`,
      });
    }
  }
}
