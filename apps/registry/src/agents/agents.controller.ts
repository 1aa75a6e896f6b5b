import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import {
  Subjects,
  type AgentLaunchSnapshotParams,
  type AgentVersionsParams,
  type DeleteAgentParams,
  type FetchAgentParams,
  type FetchAllAgentsParams,
  type GetAgentObjectParams,
  type ReinstateAgentParams,
  type RequestEnvelope,
  type RetireAgentParams,
  type RollbackAgentParams,
  type SaveAgentGroupsParams,
  type SaveAgentParams,
  type SetAgentObjectParams,
} from '@agentry/contracts';
import { FetchAgentGroupsUseCase, SaveAgentGroupsUseCase } from './use-cases/agent-groups/agent-groups.use-cases.js';
import { DeleteAgentUseCase } from './use-cases/delete-agent/delete-agent.use-case.js';
import { FetchAgentUseCase } from './use-cases/fetch-agent/fetch-agent.use-case.js';
import { GetAgentObjectUseCase } from './use-cases/get-agent-object/get-agent-object.use-case.js';
import { LaunchSnapshotUseCase } from './use-cases/launch-snapshot/launch-snapshot.use-case.js';
import { SetAgentObjectUseCase } from './use-cases/set-agent-object/set-agent-object.use-case.js';
import { FetchAllAgentsUseCase } from './use-cases/fetch-all-agents/fetch-all-agents.use-case.js';
import { FetchDeletedAgentsUseCase } from './use-cases/fetch-deleted-agents/fetch-deleted-agents.use-case.js';
import { ListAgentVersionsUseCase } from './use-cases/list-agent-versions/list-agent-versions.use-case.js';
import { ReinstateAgentUseCase } from './use-cases/reinstate-agent/reinstate-agent.use-case.js';
import { RetireAgentUseCase } from './use-cases/retire-agent/retire-agent.use-case.js';
import { RollbackAgentUseCase } from './use-cases/rollback-agent/rollback-agent.use-case.js';
import { SaveAgentUseCase } from './use-cases/save-agent/save-agent.use-case.js';

@Controller()
export class AgentsController {
  constructor(
    private readonly saveAgent: SaveAgentUseCase,
    private readonly fetchAgent: FetchAgentUseCase,
    private readonly fetchAllAgents: FetchAllAgentsUseCase,
    private readonly fetchDeletedAgents: FetchDeletedAgentsUseCase,
    private readonly deleteAgent: DeleteAgentUseCase,
    private readonly retireAgent: RetireAgentUseCase,
    private readonly reinstateAgent: ReinstateAgentUseCase,
    private readonly listVersions: ListAgentVersionsUseCase,
    private readonly rollbackAgent: RollbackAgentUseCase,
    private readonly launchSnapshot: LaunchSnapshotUseCase,
    private readonly getAgentObject: GetAgentObjectUseCase,
    private readonly setAgentObject: SetAgentObjectUseCase,
    private readonly saveGroups: SaveAgentGroupsUseCase,
    private readonly fetchGroups: FetchAgentGroupsUseCase,
  ) {}

  @MessagePattern(Subjects.agents.saveGroups)
  groupsSave(@Payload() envelope: RequestEnvelope<SaveAgentGroupsParams>) {
    return rpcReply(() => this.saveGroups.execute(envelope));
  }

  @MessagePattern(Subjects.agents.fetchGroups)
  groupsFetch(@Payload() envelope: RequestEnvelope<unknown>) {
    return rpcReply(() => this.fetchGroups.execute(envelope));
  }

  @MessagePattern(Subjects.agents.save)
  save(@Payload() envelope: RequestEnvelope<SaveAgentParams>) {
    return rpcReply(() => this.saveAgent.execute(envelope));
  }

  @MessagePattern(Subjects.agents.fetch)
  fetch(@Payload() envelope: RequestEnvelope<FetchAgentParams>) {
    return rpcReply(() => this.fetchAgent.execute(envelope));
  }

  @MessagePattern(Subjects.agents.fetchAll)
  fetchAll(@Payload() envelope: RequestEnvelope<FetchAllAgentsParams>) {
    return rpcReply(() => this.fetchAllAgents.execute(envelope));
  }

  @MessagePattern(Subjects.agents.fetchDeleted)
  fetchDeleted(@Payload() envelope: RequestEnvelope<unknown>) {
    return rpcReply(() => this.fetchDeletedAgents.execute(envelope));
  }

  @MessagePattern(Subjects.agents.delete)
  delete(@Payload() envelope: RequestEnvelope<DeleteAgentParams>) {
    return rpcReply(() => this.deleteAgent.execute(envelope));
  }

  @MessagePattern(Subjects.agents.retire)
  retire(@Payload() envelope: RequestEnvelope<RetireAgentParams>) {
    return rpcReply(() => this.retireAgent.execute(envelope));
  }

  @MessagePattern(Subjects.agents.reinstate)
  reinstate(@Payload() envelope: RequestEnvelope<ReinstateAgentParams>) {
    return rpcReply(() => this.reinstateAgent.execute(envelope));
  }

  @MessagePattern(Subjects.agents.versions)
  versions(@Payload() envelope: RequestEnvelope<AgentVersionsParams>) {
    return rpcReply(() => this.listVersions.execute(envelope));
  }

  @MessagePattern(Subjects.agents.rollback)
  rollback(@Payload() envelope: RequestEnvelope<RollbackAgentParams>) {
    return rpcReply(() => this.rollbackAgent.execute(envelope));
  }

  // Internal: the executor's launches and its runs' agent object.
  @MessagePattern(Subjects.internal.agentLaunchSnapshot)
  snapshot(@Payload() envelope: RequestEnvelope<AgentLaunchSnapshotParams>) {
    return rpcReply(() => this.launchSnapshot.execute(envelope));
  }

  @MessagePattern(Subjects.internal.getAgentObject)
  agentObject(@Payload() envelope: RequestEnvelope<GetAgentObjectParams>) {
    return rpcReply(() => this.getAgentObject.execute(envelope));
  }

  @MessagePattern(Subjects.internal.setAgentObject)
  saveAgentObject(@Payload() envelope: RequestEnvelope<SetAgentObjectParams>) {
    return rpcReply(() => this.setAgentObject.execute(envelope));
  }
}
