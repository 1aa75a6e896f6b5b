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
  },
  scripts: {
    save: 'registry.scripts.save',
    fetchById: 'registry.scripts.fetch-by-id',
    fetchByName: 'registry.scripts.fetch-by-name',
    list: 'registry.scripts.list',
    delete: 'registry.scripts.delete',
  },
} as const;

export const QueueGroups = {
  registry: 'registry',
  gateway: 'gateway',
} as const;

/** JetStream stream that receives every committed event, subject `events.<streamType>.<eventType>`. */
export const EVENTS_STREAM = 'EVENTS';
export const eventSubject = (streamType: string, eventType: string): string => `events.${streamType}.${eventType}`;
