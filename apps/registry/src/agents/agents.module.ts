import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/index.js';
import { ScriptsModule } from '../scripts/index.js';
import { AgentStreams } from './agent-streams.js';
import { AgentsController } from './agents.controller.js';
import { AgentsLookup } from './read-model/agents.lookup.js';
import { AgentCommand } from './use-cases/agent-command.js';
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
import { AgentReferences } from './use-cases/save-agent/agent-references.js';
import { SaveAgentUseCase } from './use-cases/save-agent/save-agent.use-case.js';

/** Import this module to inject `AgentsLookup` in another registry feature. */
@Module({
  imports: [AccountsModule, ScriptsModule],
  controllers: [AgentsController],
  providers: [
    AgentStreams,
    AgentsLookup,
    AgentCommand,
    SaveAgentGroupsUseCase,
    FetchAgentGroupsUseCase,
    AgentReferences,
    SaveAgentUseCase,
    FetchAgentUseCase,
    FetchAllAgentsUseCase,
    FetchDeletedAgentsUseCase,
    DeleteAgentUseCase,
    RetireAgentUseCase,
    ReinstateAgentUseCase,
    ListAgentVersionsUseCase,
    RollbackAgentUseCase,
    LaunchSnapshotUseCase,
    GetAgentObjectUseCase,
    SetAgentObjectUseCase,
  ],
  exports: [AgentsLookup],
})
export class AgentsModule {}
