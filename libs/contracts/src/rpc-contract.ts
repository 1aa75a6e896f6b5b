import type {
  ApiKeyDto,
  CreateApiKeyParams,
  CreatedApiKeyDto,
  CreateOrgParams,
  CreateOrgResult,
  CreateTagParams,
  CurrentUserDto,
  FetchOrgParams,
  ListApiKeysParams,
  ListTagsParams,
  OrgDto,
  RevokeApiKeyParams,
  TagDto,
  VerifyKeyParams,
} from './accounts/dto.js';
import type { AgentGroupsResult, SaveAgentGroupsParams } from './agents/agent-groups.js';
import type {
  AgentLifecycleResult,
  AgentListResult,
  AgentVersionsParams,
  AgentVersionsResult,
  DeleteAgentParams,
  DeleteAgentResult,
  FetchAgentParams,
  FetchAllAgentsParams,
  ReinstateAgentParams,
  RetireAgentParams,
  RollbackAgentParams,
  RollbackAgentResult,
  SaveAgentParams,
  SaveAgentResult,
} from './agents/params.js';
import type { AgentView } from './agents/views.js';
import type {
  AgentLaunchSnapshot,
  AgentLaunchSnapshotParams,
  AgentObjectResult,
  GetAgentObjectParams,
  ReadStoredFileParams,
  ReadStoredFileResult,
  SetAgentObjectParams,
} from './containers/internal.js';
import type {
  AbortAgentParams,
  AbortAgentResult,
  AgentOutputParams,
  AgentOutputResult,
  ContainerOutputParams,
  ContainerOutputResult,
  FetchContainerParams,
  FetchContainerResult,
  LaunchAgentParams,
  LaunchAgentResult,
  ListContainersParams,
  ListContainersResult,
  RunningContainersResult,
  VerifyRunKeyParams,
} from './containers/params.js';
import type { Actor } from './rpc.js';
import type {
  CreateScriptBranchParams,
  DeleteScriptBranchParams,
  DeleteScriptParams,
  DeleteScriptResult,
  FetchScriptByIdParams,
  FetchScriptByNameParams,
  ListScriptsParams,
  ReleaseScriptBranchParams,
  ReleaseScriptBranchResult,
  SaveScriptParams,
  SaveScriptResult,
  ScriptBranchDiffDto,
  ScriptBranchDiffParams,
  ScriptBranchDto,
  ScriptDto,
} from './scripts/dto.js';
import type { Subjects } from './subjects.js';
import type {
  CreateWebhookEndpointParams,
  DeliveryView,
  ListDeliveriesParams,
  ListDeliveriesResult,
  RedeliverParams,
  RotateWebhookSecretParams,
  SendScriptNotificationParams,
  SendScriptNotificationResult,
  UpdateWebhookEndpointParams,
  WebhookEndpointIdParams,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
} from './webhooks/index.js';

/** A query that takes no parameters: callers send `{}`. */
export type NoParams = Record<string, never>;

/**
 * What each request/reply subject takes and answers: `RpcClient.request(subject, …)` reads its
 * params and result types here, so a caller can't send the wrong params or expect the wrong answer
 * without the compiler saying so. One entry per `@MessagePattern` handler; the handler's use case
 * returns the `result` type. Adding a subject to `Subjects` without an entry here leaves it
 * uncallable through `RpcClient` (see the completeness check below).
 */
export interface RpcContract {
  [Subjects.auth.verifyKey]: { params: VerifyKeyParams; result: Actor };

  [Subjects.orgs.create]: { params: CreateOrgParams; result: CreateOrgResult };
  [Subjects.orgs.fetch]: { params: FetchOrgParams; result: OrgDto };
  [Subjects.apiKeys.create]: { params: CreateApiKeyParams; result: CreatedApiKeyDto };
  [Subjects.apiKeys.list]: { params: ListApiKeysParams; result: ApiKeyDto[] };
  [Subjects.apiKeys.revoke]: { params: RevokeApiKeyParams; result: ApiKeyDto };
  [Subjects.users.me]: { params: NoParams; result: CurrentUserDto };
  [Subjects.tags.create]: { params: CreateTagParams; result: TagDto };
  [Subjects.tags.list]: { params: ListTagsParams; result: TagDto[] };

  [Subjects.agents.save]: { params: SaveAgentParams; result: SaveAgentResult };
  [Subjects.agents.fetch]: { params: FetchAgentParams; result: AgentView };
  [Subjects.agents.fetchAll]: { params: FetchAllAgentsParams; result: AgentListResult };
  [Subjects.agents.fetchDeleted]: { params: NoParams; result: AgentListResult };
  [Subjects.agents.delete]: { params: DeleteAgentParams; result: DeleteAgentResult };
  [Subjects.agents.retire]: { params: RetireAgentParams; result: AgentLifecycleResult };
  [Subjects.agents.reinstate]: { params: ReinstateAgentParams; result: AgentLifecycleResult };
  [Subjects.agents.versions]: { params: AgentVersionsParams; result: AgentVersionsResult };
  [Subjects.agents.rollback]: { params: RollbackAgentParams; result: RollbackAgentResult };
  [Subjects.agents.saveGroups]: { params: SaveAgentGroupsParams; result: AgentGroupsResult };
  [Subjects.agents.fetchGroups]: { params: NoParams; result: AgentGroupsResult };

  [Subjects.scripts.save]: { params: SaveScriptParams; result: SaveScriptResult };
  [Subjects.scripts.fetchById]: { params: FetchScriptByIdParams; result: ScriptDto };
  [Subjects.scripts.fetchByName]: { params: FetchScriptByNameParams; result: ScriptDto };
  [Subjects.scripts.list]: { params: ListScriptsParams; result: ScriptDto[] };
  [Subjects.scripts.delete]: { params: DeleteScriptParams; result: DeleteScriptResult };
  [Subjects.scripts.branches]: { params: NoParams; result: ScriptBranchDto[] };
  [Subjects.scripts.createBranch]: { params: CreateScriptBranchParams; result: ScriptBranchDto };
  [Subjects.scripts.deleteBranch]: { params: DeleteScriptBranchParams; result: ScriptBranchDto };
  [Subjects.scripts.releaseBranch]: { params: ReleaseScriptBranchParams; result: ReleaseScriptBranchResult };
  [Subjects.scripts.branchDiff]: { params: ScriptBranchDiffParams; result: ScriptBranchDiffDto[] };

  [Subjects.executor.launch]: { params: LaunchAgentParams; result: LaunchAgentResult };
  [Subjects.executor.verifyRunKey]: { params: VerifyRunKeyParams; result: Actor };
  [Subjects.executor.abort]: { params: AbortAgentParams; result: AbortAgentResult };
  [Subjects.executor.readStoredFile]: { params: ReadStoredFileParams; result: ReadStoredFileResult };

  [Subjects.output.fetchContainer]: { params: FetchContainerParams; result: FetchContainerResult };
  [Subjects.output.listContainers]: { params: ListContainersParams; result: ListContainersResult };
  [Subjects.output.containerOutput]: { params: ContainerOutputParams; result: ContainerOutputResult };
  [Subjects.output.agentOutput]: { params: AgentOutputParams; result: AgentOutputResult };
  [Subjects.output.runningContainers]: { params: NoParams; result: RunningContainersResult };

  [Subjects.webhooks.createEndpoint]: { params: CreateWebhookEndpointParams; result: WebhookEndpointWithSecret };
  [Subjects.webhooks.listEndpoints]: { params: NoParams; result: { endpoints: WebhookEndpointView[] } };
  [Subjects.webhooks.fetchEndpoint]: { params: WebhookEndpointIdParams; result: WebhookEndpointView };
  [Subjects.webhooks.updateEndpoint]: { params: UpdateWebhookEndpointParams; result: WebhookEndpointView };
  [Subjects.webhooks.deleteEndpoint]: { params: WebhookEndpointIdParams; result: { id: string; deleted: true } };
  [Subjects.webhooks.rotateSecret]: { params: RotateWebhookSecretParams; result: WebhookEndpointWithSecret };
  [Subjects.webhooks.listDeliveries]: { params: ListDeliveriesParams; result: ListDeliveriesResult };
  [Subjects.webhooks.redeliver]: { params: RedeliverParams; result: DeliveryView };
  [Subjects.webhooks.agentSigningSecret]: { params: NoParams; result: { secret: string } };

  [Subjects.internal.agentLaunchSnapshot]: { params: AgentLaunchSnapshotParams; result: AgentLaunchSnapshot };
  [Subjects.internal.getAgentObject]: { params: GetAgentObjectParams; result: AgentObjectResult };
  [Subjects.internal.setAgentObject]: { params: SetAgentObjectParams; result: AgentObjectResult };
  [Subjects.internal.sendScriptNotification]: { params: SendScriptNotificationParams; result: SendScriptNotificationResult };
}

/** A request/reply subject with an entry in the map. */
export type RpcSubject = keyof RpcContract;
export type RpcParams<S extends RpcSubject> = RpcContract[S]['params'];
export type RpcResult<S extends RpcSubject> = RpcContract[S]['result'];

/** Every subject string in `Subjects`, e.g. `'registry.agents.save'`. */
type SubjectValues<T> = T extends string ? T : { [K in keyof T]: SubjectValues<T[K]> }[keyof T];
/**
 * Compile-time completeness check: a subject in `Subjects` missing from the map (or an entry for a
 * subject that does not exist) makes this line fail to type-check.
 */
const everySubjectMapped: [SubjectValues<typeof Subjects>] extends [RpcSubject]
  ? [RpcSubject] extends [SubjectValues<typeof Subjects>]
    ? true
    : never
  : never = true;
void everySubjectMapped;
