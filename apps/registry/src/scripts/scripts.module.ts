import { Module } from '@nestjs/common';
import { ScriptsLookup } from './read-model/scripts.lookup.js';
import { ScriptStreams } from './script-streams.js';
import { ScriptsController } from './scripts.controller.js';
import { ScriptBranchesUseCase } from './use-cases/branches/script-branches.use-case.js';
import { DeleteScriptUseCase } from './use-cases/delete-script/delete-script.use-case.js';
import { FetchScriptByIdUseCase } from './use-cases/fetch-script-by-id/fetch-script-by-id.use-case.js';
import { FetchScriptByNameUseCase } from './use-cases/fetch-script-by-name/fetch-script-by-name.use-case.js';
import { ListScriptsUseCase } from './use-cases/list-scripts/list-scripts.use-case.js';
import { SaveScriptUseCase } from './use-cases/save-script/save-script.use-case.js';

/** Import this module to inject `ScriptsLookup` in another registry feature. */
@Module({
  controllers: [ScriptsController],
  providers: [
    ScriptsLookup,
    ScriptStreams,
    SaveScriptUseCase,
    DeleteScriptUseCase,
    FetchScriptByIdUseCase,
    FetchScriptByNameUseCase,
    ListScriptsUseCase,
    ScriptBranchesUseCase,
  ],
  exports: [ScriptsLookup],
})
export class ScriptsModule {}
