import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import {
  Subjects,
  type CreateScriptBranchParams,
  type DeleteScriptBranchParams,
  type ReleaseScriptBranchParams,
  type ScriptBranchDiffParams,
  type DeleteScriptParams,
  type FetchScriptByIdParams,
  type FetchScriptByNameParams,
  type ListScriptsParams,
  type RequestEnvelope,
  type SaveScriptParams,
} from '@agentry/contracts';
import { ScriptBranchesUseCase } from './use-cases/branches/script-branches.use-case.js';
import { DeleteScriptUseCase } from './use-cases/delete-script/delete-script.use-case.js';
import { FetchScriptByIdUseCase } from './use-cases/fetch-script-by-id/fetch-script-by-id.use-case.js';
import { FetchScriptByNameUseCase } from './use-cases/fetch-script-by-name/fetch-script-by-name.use-case.js';
import { ListScriptsUseCase } from './use-cases/list-scripts/list-scripts.use-case.js';
import { SaveScriptUseCase } from './use-cases/save-script/save-script.use-case.js';

@Controller()
export class ScriptsController {
  constructor(
    private readonly saveScript: SaveScriptUseCase,
    private readonly deleteScript: DeleteScriptUseCase,
    private readonly fetchById: FetchScriptByIdUseCase,
    private readonly fetchByName: FetchScriptByNameUseCase,
    private readonly listScripts: ListScriptsUseCase,
    private readonly branches: ScriptBranchesUseCase,
  ) {}

  @MessagePattern(Subjects.scripts.branches)
  listBranches(@Payload() envelope: RequestEnvelope<Record<string, never>>) {
    return rpcReply(() => this.branches.list(envelope));
  }

  @MessagePattern(Subjects.scripts.createBranch)
  createBranch(@Payload() envelope: RequestEnvelope<CreateScriptBranchParams>) {
    return rpcReply(() => this.branches.create(envelope));
  }

  @MessagePattern(Subjects.scripts.deleteBranch)
  deleteBranch(@Payload() envelope: RequestEnvelope<DeleteScriptBranchParams>) {
    return rpcReply(() => this.branches.delete(envelope));
  }

  @MessagePattern(Subjects.scripts.releaseBranch)
  releaseBranch(@Payload() envelope: RequestEnvelope<ReleaseScriptBranchParams>) {
    return rpcReply(() => this.branches.release(envelope));
  }

  @MessagePattern(Subjects.scripts.branchDiff)
  branchDiff(@Payload() envelope: RequestEnvelope<ScriptBranchDiffParams>) {
    return rpcReply(() => this.branches.diff(envelope));
  }

  @MessagePattern(Subjects.scripts.save)
  save(@Payload() envelope: RequestEnvelope<SaveScriptParams>) {
    return rpcReply(() => this.saveScript.execute(envelope));
  }

  @MessagePattern(Subjects.scripts.delete)
  delete(@Payload() envelope: RequestEnvelope<DeleteScriptParams>) {
    return rpcReply(() => this.deleteScript.execute(envelope));
  }

  @MessagePattern(Subjects.scripts.fetchById)
  fetchOneById(@Payload() envelope: RequestEnvelope<FetchScriptByIdParams>) {
    return rpcReply(() => this.fetchById.execute(envelope));
  }

  @MessagePattern(Subjects.scripts.fetchByName)
  fetchOneByName(@Payload() envelope: RequestEnvelope<FetchScriptByNameParams>) {
    return rpcReply(() => this.fetchByName.execute(envelope));
  }

  @MessagePattern(Subjects.scripts.list)
  list(@Payload() envelope: RequestEnvelope<ListScriptsParams>) {
    return rpcReply(() => this.listScripts.execute(envelope));
  }
}
