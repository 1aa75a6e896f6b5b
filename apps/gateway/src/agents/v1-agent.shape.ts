import type { AgentView, ScriptDto } from '@agentry/contracts';

/**
 * Browser options of the classic PhantomJS/CasperJS runtime. Agentry has no such browser
 * settings, so the v1 record answers the classic defaults as constants.
 */
const LEGACY_BROWSER_OPTIONS = { disableWebSecurity: false, ignoreSslErrors: false, loadImages: true } as const;

/** The v1 API's embedded script record. */
const v1EmbeddedScript = (script: ScriptDto) => ({
  id: script.id,
  name: script.name,
  source: script.source,
  url: null,
  text: script.text ?? '',
  httpHeaders: null,
});

/**
 * The v1 API's agent record, field for field and in its order. v1 spellings of the domain's
 * settings: `launch` = launchType, `proxy` = proxyType, `maxParallelExecs` = maxParallelism,
 * `nonce` = version number, `awsFolder` / `userAwsFolder` = storage folders. The proxy password
 * is write-only: always null. `scriptId` is 0 without a script, as in the v1 API's user record.
 */
export function v1AgentRecord(agent: AgentView, script?: ScriptDto | null) {
  const s = agent.settings;
  return {
    id: agent.id,
    name: s.name,
    scriptId: s.scriptId ?? 0,
    proxy: s.proxyType,
    proxyAddress: s.proxyAddress,
    proxyUsername: s.proxyUsername,
    proxyPassword: null,
    disableWebSecurity: LEGACY_BROWSER_OPTIONS.disableWebSecurity,
    ignoreSslErrors: LEGACY_BROWSER_OPTIONS.ignoreSslErrors,
    loadImages: LEGACY_BROWSER_OPTIONS.loadImages,
    launch: s.launchType,
    nbLaunches: agent.nbLaunches,
    showDebug: false,
    awsFolder: agent.storageFolder,
    executionTimeLimit: s.executionTimeLimit,
    fileMgmt: s.fileMgmt,
    fileMgmtMaxFolders: s.fileMgmtMaxFolders,
    lastEndMessage: agent.lastEndMessage,
    lastEndStatus: agent.lastEndStatus,
    maxParallelExecs: s.maxParallelism,
    userAwsFolder: agent.userStorageFolder,
    nonce: agent.currentVersionNumber,
    ...(script ? { script: v1EmbeddedScript(script) } : {}),
  };
}

/** The `POST /api/v1/agent` API shows date-times without milliseconds: "2024-01-01T00:00:00Z". */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The `POST /api/v1/agent` API's `Agent_Details` (snake_case, string ids, ISO date-times), keys in PhantomBuster's order. */
export function v1AgentDetails(agent: AgentView) {
  return {
    available_actions: agent.availableActions,
    current_schema_version_id: String(agent.settingsSchemaVersion),
    current_version_id: agent.currentVersionId,
    environment_id: agent.settings.environment ?? 'release',
    id: String(agent.id),
    inserted_at: isoSeconds(agent.createdAt),
    instance_counts: agent.instanceCounts,
    name: agent.settings.name,
    status: agent.status,
    type: 'agent' as const,
    updated_at: isoSeconds(agent.updatedAt),
  };
}
