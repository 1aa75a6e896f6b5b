import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  MASTER_BRANCH,
  notFound,
  type AgentLaunchSnapshot,
  type AgentLaunchSnapshotParams,
  type RequestEnvelope,
  type ScriptDependencies,
} from '@agentry/contracts';
import { OrgPlans } from '../../../accounts/index.js';
import { ScriptsLookup } from '../../../scripts/index.js';
import { AgentStreams } from '../../agent-streams.js';
import { AgentsLookup } from '../../read-model/agents.lookup.js';
import { MAX_DEPENDENCY_BYTES, dependencyNames, dependencyNamesProblem } from '../../domain/script-dependencies.js';
import { readAgentId } from '../agent-id.js';

/**
 * Internal (executor → registry): the agent, the settings and sealed secrets of one of its versions
 * (the current one unless a queued container names its own) and its script's text. A deleted or
 * another org's agent is NOT_FOUND; a retired one is not launched (INVALID_STATE).
 */
@Injectable()
export class LaunchSnapshotUseCase {
  constructor(
    private readonly streams: AgentStreams,
    private readonly lookup: AgentsLookup,
    private readonly scripts: ScriptsLookup,
    private readonly plans: OrgPlans,
  ) {}

  async execute(envelope: RequestEnvelope<AgentLaunchSnapshotParams>): Promise<AgentLaunchSnapshot> {
    const orgId = envelope.actor.orgId;
    const agentId = readAgentId(envelope.params?.agentId, 'agentId');
    const { state } = await this.streams.loadAgent(agentId);
    if (!state || state.orgId !== orgId || state.status === 'deleted' || !state.current) throw notFound('Agent');
    if (state.status === 'retired') throw new DomainError(ErrorCode.INVALID_STATE, 'Agent is retired');
    const wanted = envelope.params.versionId;
    const version = wanted ? state.versions.find((v) => v.versionId === wanted) : state.current;
    if (!version) throw notFound(`Version ${wanted} of agent ${agentId}`);
    const scriptId = version.settings.scriptId;
    // Independent reads side by side: this answer is on every launch's critical path, and each read one
    // after the other was a round trip more to wait for (docs/PERFORMANCE.md › Launch).
    const [agent, script, plan] = await Promise.all([
      this.lookup.get(orgId, agentId),
      scriptId === null ? null : this.scriptToRun(orgId, scriptId, version.settings),
      this.plans.get(orgId),
    ]);
    return {
      agent,
      version: { versionId: version.versionId, versionNumber: version.versionNumber, settings: version.settings, secrets: version.secrets },
      script: script && script.text !== undefined ? { id: script.id, name: script.name, text: script.text } : null,
      // Fair share: the executor caps the org's running containers at this (the plan's, else the operator's default).
      org: { maxRunningContainers: plan.maxRunningContainers! },
      dependencies: script?.text ? await this.dependencies(orgId, script.text) : { libraries: [], problem: null },
    };
  }

  /**
   * The script with the code the agent runs: without `branch` / `environment`, the script's one-version
   * code (master's, as every save without branch writes it); with them, that branch's staging or release
   * code (default `master`, `release`). None there (no such branch, not in it, never released) ends the
   * container as a failed launch saying so (INVALID_STATE).
   */
  private async scriptToRun(orgId: number, scriptId: number, settings: { branch: string | null; environment: string | null }) {
    const script = await this.scripts.findById(orgId, scriptId);
    if (!script || (settings.branch === null && settings.environment === null)) return script;
    const code = await this.scripts.codeIn(orgId, scriptId, settings.branch ?? MASTER_BRANCH, settings.environment === 'staging' ? 'staging' : 'release');
    if ('problem' in code) throw new DomainError(ErrorCode.INVALID_STATE, `${script.name}: ${code.problem}`);
    return { ...script, text: code.text };
  }

  /** The `lib-*` scripts the header names, looked up in the run's own org only (another org's are "not found"). */
  private async dependencies(orgId: number, scriptText: string): Promise<ScriptDependencies> {
    const names = dependencyNames(scriptText);
    const problem = dependencyNamesProblem(names);
    if (problem) return { libraries: [], problem };
    const libraries: ScriptDependencies['libraries'] = [];
    let bytes = 0;
    for (const name of names) {
      const lib = await this.scripts.findByName(orgId, name);
      if (!lib || lib.text === undefined) return { libraries: [], problem: `Dependency ${name} not found among the org's scripts` };
      bytes += Buffer.byteLength(lib.text);
      if (bytes > MAX_DEPENDENCY_BYTES) return { libraries: [], problem: `Dependencies are over ${MAX_DEPENDENCY_BYTES} bytes in total (at ${name})` };
      libraries.push({ name, text: lib.text });
    }
    return { libraries, problem: null };
  }
}
