/** Names shared by the migrations and the code that uses the schema. */
export const APPEND_FUNCTION = 'agentry_append_events';
/** Several appends in one statement (group commit), each through APPEND_FUNCTION. */
export const APPEND_BATCH_FUNCTION = 'agentry_append_batch';
/** Group commit's set-based statement, wrapped to plan with index lookups (migration 1769). */
export const GROUP_APPEND_FUNCTION = 'agentry_group_append';
/** Raises: an exact expected version for a stream that does not exist (the lone append statement's refusal, migration 1770). */
export const MISSING_STREAM_REFUSAL = 'agentry_refuse_missing_stream';
/** NOTIFY channel: an append committed (payload empty). Projection runners wake on it. */
export const EVENTS_CHANNEL = 'agentry_events';
/** NOTIFY channel: a projection checkpoint moved (payload: projection name). waitFor wakes on it. */
export const CHECKPOINTS_CHANNEL = 'agentry_checkpoints';

export const ID_SEQUENCES = {
  agent: 'agentry_agent_id_seq',
  script: 'agentry_script_id_seq',
  org: 'agentry_org_id_seq',
  user: 'agentry_user_id_seq',
  api_key: 'agentry_api_key_id_seq',
  tag: 'agentry_tag_id_seq',
  container: 'agentry_container_id_seq',
} as const;
export type IdSequence = keyof typeof ID_SEQUENCES;

/**
 * First key of the two-key pg advisory locks we take, so they never meet another application's.
 * Every service shares one database, and advisory locks are per database: each lock of the
 * platform has its own namespace here (the executor's reaper once shared the scheduler firer's,
 * so wherever the scheduler ran no container was ever reaped).
 */
export const ADVISORY_LOCK_NAMESPACE = {
  migrations: 0x41470001,
  projections: 0x41470002,
  schedulerFirer: 0x41470003,
  executorReaper: 0x41470004,
  /** One rebuild of a projection at a time (it owns the projection's build schema). */
  projectionRebuilds: 0x41470005,
} as const;
