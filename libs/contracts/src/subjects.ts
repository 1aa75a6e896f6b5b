/**
 * NATS subjects for request/reply. Each service subscribes in a queue group named after
 * itself, so any replica may answer. Naming: <service>.<area>.<verb>.
 */
export const Subjects = {
  auth: {
    verifyKey: 'registry.auth.verify-key',
  },
  orgs: {
    create: 'registry.orgs.create',
    fetch: 'registry.orgs.fetch',
  },
  apiKeys: {
    create: 'registry.api-keys.create',
    list: 'registry.api-keys.list',
    revoke: 'registry.api-keys.revoke',
  },
  users: {
    me: 'registry.users.me',
  },
  tags: {
    create: 'registry.tags.create',
    list: 'registry.tags.list',
  },
  agents: {
    save: 'registry.agents.save',
    fetch: 'registry.agents.fetch',
    fetchAll: 'registry.agents.fetch-all',
    fetchDeleted: 'registry.agents.fetch-deleted',
    delete: 'registry.agents.delete',
    retire: 'registry.agents.retire',
    reinstate: 'registry.agents.reinstate',
    versions: 'registry.agents.versions',
    rollback: 'registry.agents.rollback',
    saveGroups: 'registry.agents.save-groups',
    fetchGroups: 'registry.agents.fetch-groups',
  },
  scripts: {
    save: 'registry.scripts.save',
    fetchById: 'registry.scripts.fetch-by-id',
    fetchByName: 'registry.scripts.fetch-by-name',
    list: 'registry.scripts.list',
    delete: 'registry.scripts.delete',
    branches: 'registry.scripts.branches.list',
    createBranch: 'registry.scripts.branches.create',
    deleteBranch: 'registry.scripts.branches.delete',
    releaseBranch: 'registry.scripts.branches.release',
    branchDiff: 'registry.scripts.branches.diff',
  },
  /** Executor: launches, aborts, the runtime's requests. */
  executor: {
    launch: 'executor.containers.launch',
    abort: 'executor.containers.abort',
    readStoredFile: 'executor.storage.read',
    /** Gateway → executor: the actor of a run-scoped key (`buster.apiKey`), only while its run is running. */
    verifyRunKey: 'executor.runs.verify-key',
  },
  /** Output service: console output, container history, runtime events. */
  output: {
    fetchContainer: 'output.containers.fetch',
    listContainers: 'output.containers.list',
    containerOutput: 'output.containers.output',
    agentOutput: 'output.agents.output',
    runningContainers: 'output.orgs.running-containers',
  },
  /** Notifier: org webhook endpoints and the delivery log (webhooks, Slack, mail). */
  webhooks: {
    createEndpoint: 'notifier.webhook-endpoints.create',
    listEndpoints: 'notifier.webhook-endpoints.list',
    fetchEndpoint: 'notifier.webhook-endpoints.fetch',
    updateEndpoint: 'notifier.webhook-endpoints.update',
    deleteEndpoint: 'notifier.webhook-endpoints.delete',
    rotateSecret: 'notifier.webhook-endpoints.rotate-secret',
    listDeliveries: 'notifier.deliveries.list',
    redeliver: 'notifier.deliveries.redeliver',
    /** The org's signing secret for its agents' notifications.webhook POSTs (org admins). */
    agentSigningSecret: 'notifier.agent-webhooks.signing-secret',
  },
  /** Internal (service to service, actor = the platform acting for an org). */
  internal: {
    /** Registry → executor: agent settings + script + sealed secrets for a launch. */
    agentLaunchSnapshot: 'registry.agents.launch-snapshot',
    getAgentObject: 'registry.agents.get-agent-object',
    setAgentObject: 'registry.agents.set-agent-object',
    /** Executor → notifier: a script's mail() / notify(). */
    sendScriptNotification: 'notifier.script-notifications.send',
  },
} as const;

export const QueueGroups = {
  registry: 'registry',
  gateway: 'gateway',
  executor: 'executor',
  output: 'output',
  notifier: 'notifier',
} as const;

/** JetStream stream that receives every committed event, subject `events.<streamType>.<eventType>`. */
export const EVENTS_STREAM = 'EVENTS';
export const eventSubject = (streamType: string, eventType: string): string => `events.${streamType}.${eventType}`;
