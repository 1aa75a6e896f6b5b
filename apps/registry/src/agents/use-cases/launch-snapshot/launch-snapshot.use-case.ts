import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, notFound, type AgentLaunchSnapshot, type AgentLaunchSnapshotParams, type RequestEnvelope } from '@agentry/contracts';
import { OrgPlans } from '../../../accounts/index.js';
import { ScriptsLookup } from '../../../scripts/index.js';
import { AgentStreams } from '../../agent-streams.js';
import { AgentsLookup } from '../../read-model/agents.lookup.js';
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
    const agent = await this.lookup.get(orgId, agentId);
    const scriptId = version.settings.scriptId;
    const script = scriptId === null ? null : await this.scripts.findById(orgId, scriptId);
    return {
      agent,
      version: { versionId: version.versionId, versionNumber: version.versionNumber, settings: version.settings, secrets: version.secrets },
      script: script && script.text !== undefined ? { id: script.id, name: script.name, text: script.text } : null,
      // Fair share: the executor caps the org's running containers at this (the plan's, else the operator's default).
      org: { maxRunningContainers: (await this.plans.get(orgId)).maxRunningContainers! },
    };
  }
}
