import type { AgentInstanceCounts, AgentVersionView, AgentView } from '@agentry/contracts';
import { availableActions, ZERO_INSTANCE_COUNTS } from '../domain/available-actions.js';
import type { AgentInstanceCountsRow, AgentRow, AgentVersionRow } from './entities.js';

export function instanceCountsOf(row: AgentInstanceCountsRow | null | undefined): AgentInstanceCounts {
  if (!row) return { ...ZERO_INSTANCE_COUNTS };
  const { pending, active, complete, failed, cancelled, total } = row;
  return { active, pending, complete, failed, cancelled, finished: complete + failed + cancelled, total };
}

export function toAgentView(
  row: AgentRow,
  runs: AgentInstanceCountsRow | null | undefined,
  scriptName: string | null,
  opts: { withAgentObject?: boolean } = {},
): AgentView {
  const instanceCounts = instanceCountsOf(runs);
  return {
    id: row.id,
    orgId: row.orgId,
    status: row.status,
    settings: row.settings,
    scriptName,
    secrets: { hasProxyPassword: row.hasProxyPassword, hasCredentials: row.hasCredentials },
    availableActions: availableActions(row.status, instanceCounts),
    instanceCounts,
    currentVersionId: row.currentVersionId,
    currentVersionNumber: row.currentVersionNumber,
    settingsSchemaVersion: row.settingsSchemaVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    retiredAt: row.retiredAt,
    deletedAt: row.deletedAt,
    nbLaunches: instanceCounts.total,
    lastEndMessage: runs?.lastEndMessage ?? null,
    lastEndStatus: runs?.lastEndStatus ?? null,
    lastEndType: runs?.lastEndType ?? null,
    storageFolder: row.storageFolder,
    userStorageFolder: row.userStorageFolder,
    ...(opts.withAgentObject ? { agentObject: row.agentObject } : {}),
  };
}

export function toVersionView(row: AgentVersionRow, currentVersionId: string): AgentVersionView {
  return {
    agentId: row.agentId,
    versionId: row.versionId,
    versionNumber: row.versionNumber,
    reason: row.reason,
    restoredFromVersionId: row.restoredFromVersionId,
    changedFields: row.changedFields,
    settings: row.settings,
    secrets: { hasProxyPassword: row.hasProxyPassword, hasCredentials: row.hasCredentials },
    savedBy: { userId: row.savedByUserId, keyId: row.savedByKeyId },
    savedAt: row.savedAt,
    current: row.versionId === currentVersionId,
  };
}
