import { Injectable } from '@nestjs/common';
import { AGENT_STAGES, validationFailed, type AgentListResult, type FetchAllAgentsParams, type FieldError, type RequestEnvelope } from '@agentry/contracts';
import { AgentsLookup, type AgentListFilters } from '../../read-model/agents.lookup.js';

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** `agents/fetch-all`: the org's live agents, filtered by ids, custom metadata, tag, status, stage. */
@Injectable()
export class FetchAllAgentsUseCase {
  constructor(private readonly lookup: AgentsLookup) {}

  async execute(envelope: RequestEnvelope<FetchAllAgentsParams>): Promise<AgentListResult> {
    const params = envelope.params ?? {};
    const agents = await this.lookup.list(envelope.actor.orgId, checkFilters(params), { withAgentObject: params.withAgentObject === true });
    return { agents };
  }
}

/** The gateway coerces query strings; this guards the subject against malformed direct calls. */
function checkFilters(p: FetchAllAgentsParams): AgentListFilters {
  const problems: FieldError[] = [];
  if (p.agentIds !== undefined && !(Array.isArray(p.agentIds) && p.agentIds.every(isId))) {
    problems.push({ field: 'agentIds', message: 'must be a list of positive integer agent ids' });
  }
  if (p.tag !== undefined && !isId(p.tag)) problems.push({ field: 'tag', message: 'must be a positive integer tag id' });
  if (p.status !== undefined && p.status !== 'active' && p.status !== 'retired') {
    problems.push({ field: 'status', message: 'must be one of: "active", "retired"' });
  }
  if (p.stage !== undefined && !(AGENT_STAGES as readonly string[]).includes(p.stage)) {
    problems.push({ field: 'stage', message: `must be one of: ${AGENT_STAGES.map((s) => `"${s}"`).join(', ')}` });
  }
  const meta = p.userCustomMetadata;
  if (meta !== undefined && (typeof meta?.key !== 'string' || meta.key === '' || (meta.value !== undefined && typeof meta.value !== 'string'))) {
    problems.push({ field: 'userCustomMetadata', message: 'filter needs a key (and optionally a value) as text' });
  }
  if (problems.length) throw validationFailed(problems);
  const { agentIds, tag, status, stage, userCustomMetadata } = p;
  return { agentIds, tag, status, stage, userCustomMetadata };
}
