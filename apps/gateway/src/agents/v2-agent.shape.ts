import { configuredResultName, DEFAULT_FILE_MGMT, type AgentSchedule, type AgentVersionView, type AgentView } from '@agentry/contracts';
import { toV2Id } from '../http/shapes.js';

/** v2 answers the user's JSON (`argument`, `agentObject`) as JSON text. */
const jsonText = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

const scheduleOf = (schedule: AgentSchedule | null) => {
  if (!schedule) return null;
  const { kind: _kind, ...rest } = schedule;
  return rest;
};

export interface V2AgentOptions {
  withArgument?: boolean;
  code?: string | null;
  /** The next planned launches (Unix ms), rendered by `agents/fetch`. */
  nextLaunchDates?: number[];
}

/**
 * v2 agent record: string ids, Unix ms, settings under their `agents/save` names (plus the
 * older `maxParallelExecs` / `maxRetries` spellings v2 clients read), so the record can be
 * posted back to `agents/save` without `id` to clone the agent. Secrets only as `has…` flags.
 * The fields the v2 document requires are all there (`s3Folder` / `orgS3Folder` are the agent's
 * and the org's storage folders, `fileMgmt` the mode a run actually gets); the rest are
 * Agentry's additions (docs/api/conformance.md).
 */
export function v2Agent(agent: AgentView, opts: V2AgentOptions = {}) {
  const s = agent.settings;
  return {
    id: toV2Id(agent.id),
    orgId: toV2Id(agent.orgId),
    name: s.name,
    scriptId: toV2Id(s.scriptId),
    script: agent.scriptName,
    branch: s.branch,
    environment: s.environment,
    ...(opts.withArgument === false ? {} : { argument: jsonText(s.argument) }),
    launchType: s.launchType,
    launchOnceAt: s.launchOnceAt,
    launchAfterAgentId: toV2Id(s.launchAfterAgentId),
    masterAgentLaunchOnExitCodes: s.masterAgentLaunchOnExitCodes,
    masterAgentLaunchAfter: s.masterAgentLaunchAfter,
    repeatedLaunchTimes: s.repeatedLaunchTimes,
    repeatedLaunchPreset: s.repeatedLaunchPreset,
    executionTimeLimit: s.executionTimeLimit,
    fileMgmt: s.fileMgmt ?? DEFAULT_FILE_MGMT,
    fileMgmtMaxFolders: s.fileMgmtMaxFolders,
    maxParallelism: s.maxParallelism,
    maxParallelExecs: s.maxParallelism,
    maxRetryNumber: s.maxRetryNumber,
    maxRetries: s.maxRetryNumber,
    notifications: s.notifications,
    proxyType: s.proxyType,
    proxyAddress: s.proxyAddress,
    proxyUsername: s.proxyUsername,
    hasProxyPassword: agent.secrets.hasProxyPassword,
    squidLeaseIdentifier: s.squidLeaseIdentifier,
    expireAt: s.expireAt,
    missedRunPolicy: s.missedRunPolicy ?? 'skip',
    applyScriptManifestDefaultSettings: s.applyScriptManifestDefaultSettings,
    userCustomMetadata: s.userCustomMetadata,
    internalMetadata: s.internalMetadata,
    wasSetupValidWhenSubmittedByTheFrontend: s.wasSetupValidWhenSubmittedByTheFrontend,
    shouldPropagateUpdatedSettingsToWorkersRegardlessOfSessionType: s.shouldPropagateUpdatedSettingsToWorkersRegardlessOfSessionType,
    baseUrl: s.baseUrl,
    content: s.content,
    schedule: scheduleOf(s.schedule),
    hasCredentials: agent.secrets.hasCredentials,
    tags: s.tags.map((t) => String(t)),
    stage: s.stage,
    description: s.description,
    status: agent.status,
    availableActions: agent.availableActions,
    instanceCounts: agent.instanceCounts,
    currentVersionId: agent.currentVersionId,
    currentVersionNumber: agent.currentVersionNumber,
    nbLaunches: agent.nbLaunches,
    nbContainersRunning: agent.instanceCounts.active,
    // Agentry's addition: the result files its runs save (the argument's csvName / jsonName, without extension), null when it names none.
    csvName: configuredResultName(s.argument, 'csv'),
    jsonName: configuredResultName(s.argument, 'json'),
    s3Folder: agent.storageFolder,
    // Stored files live under <AGENTRY_STORAGE_DIR>/<org id>/<agent folder>: the org's folder is its id.
    orgS3Folder: String(agent.orgId),
    lastEndMessage: agent.lastEndMessage,
    lastEndStatus: agent.lastEndStatus,
    lastEndType: agent.lastEndType,
    createdAt: agent.createdAt,
    updatedAt: agent.updatedAt,
    retiredAt: agent.retiredAt,
    deletedAt: agent.deletedAt,
    ...(agent.agentObject === undefined ? {} : { agentObject: agent.agentObject }),
    ...(opts.code === undefined ? {} : { code: opts.code }),
    ...(opts.nextLaunchDates === undefined ? {} : { nextLaunchDates: opts.nextLaunchDates }),
  };
}

export function v2AgentVersion(version: AgentVersionView) {
  const s = version.settings;
  return {
    versionId: version.versionId,
    versionNumber: version.versionNumber,
    agentId: toV2Id(version.agentId),
    current: version.current,
    reason: version.reason,
    restoredFromVersionId: version.restoredFromVersionId,
    changedFields: version.changedFields,
    savedAt: version.savedAt,
    savedBy: { userId: toV2Id(version.savedBy.userId), keyId: toV2Id(version.savedBy.keyId) },
    settings: {
      ...s,
      scriptId: toV2Id(s.scriptId),
      launchAfterAgentId: toV2Id(s.launchAfterAgentId),
      argument: jsonText(s.argument),
      schedule: scheduleOf(s.schedule),
      tags: s.tags.map((t) => String(t)),
      hasProxyPassword: version.secrets.hasProxyPassword,
      hasCredentials: version.secrets.hasCredentials,
    },
  };
}
