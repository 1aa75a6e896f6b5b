import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import {
  Subjects,
  type DeleteScriptParams,
  type FetchScriptByIdParams,
  type FetchScriptByNameParams,
  type ListScriptsParams,
  type RequestEnvelope,
  type SaveScriptParams,
} from '@agentry/contracts';
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
  ) {}

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
