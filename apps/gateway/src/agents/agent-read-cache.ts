import { Subjects, type Actor, type AgentView } from '@agentry/contracts';
import { InvalidatingCache } from '../http/invalidating-cache.js';
import type { RegistryClient } from '../http/registry.client.js';
import { scheduleAnchorOf } from '../scheduling/next-launch-dates.js';

/** An agent as `agents.fetch` answered it, with what its next launches are computed from at read time. */
export interface AgentRead {
  view: AgentView;
  /** Its current version's save, what a rate schedule counts from; null when it has no launches planned. */
  scheduleAnchorMs: number | null;
}

export interface AgentReadCacheOptions {
  /** 0 turns the cache off (every read asks the registry). */
  maxEntries: number;
  ttlMs: number;
  settleMs: number;
}

/**
 * This replica's answers to `agents.fetch` (v2 `agents/fetch`, the v1 agent record), so a read of an
 * agent nothing changed costs no bus round trip. Entries are per org (the org is part of the key: the
 * registry answers by the actor's org only, roles play no part in a read) and per `withAgentObject`;
 * an agent's entries form one group, dropped together.
 *
 * What keeps it true: the relayed events that change an agent's record drop its group on every replica
 * (agent-read-invalidations.ts), and for `settleMs` after one no fill is stored, since the registry's read
 * model follows the log on its own and may not have caught up with the relay yet; a write through this
 * replica drops its org's entries before it answers (agent-read-writes.ts); a lost connection drops
 * everything. Next launch dates are computed at read time from the stored anchor, never stored.
 * Only successful reads are stored: a 404 (another org's id, a deleted agent) always asks again.
 */
export class AgentReadCache {
  private readonly cache: InvalidatingCache<AgentRead>;

  constructor(
    private readonly registry: RegistryClient,
    options: AgentReadCacheOptions,
    now: () => number = Date.now,
  ) {
    this.cache = new InvalidatingCache<AgentRead>(options.maxEntries, options.ttlMs, { settleMs: options.settleMs, now });
  }

  get enabled(): boolean {
    return this.cache.enabled;
  }

  /** `withScheduleAnchor`: also look up the anchor of its next launches (always done when caching, so one entry serves every route). */
  async read(actor: Actor, id: number, options: { withAgentObject?: boolean; withScheduleAnchor?: boolean } = {}): Promise<AgentRead> {
    const withAgentObject = options.withAgentObject === true;
    const key = `${actor.orgId}/${id}/${withAgentObject ? 'object' : 'plain'}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const ticket = this.cache.ticket();
    const view = await this.registry.call(Subjects.agents.fetch, actor, { id, withAgentObject });
    const scheduleAnchorMs = this.enabled || options.withScheduleAnchor ? await scheduleAnchorOf(this.registry, actor, view) : null;
    const read = deepFreeze({ view, scheduleAnchorMs });
    // The registry answers another org's agent with a 404; this only guards the key's meaning.
    if (view.orgId === actor.orgId && view.id === id) this.cache.fill(key, String(id), read, ticket);
    return read;
  }

  /** An agent's record changed (its events, or its runs'). */
  agentChanged(agentId: number): void {
    this.cache.invalidateGroup(String(agentId));
  }

  /** A script was renamed or deleted: the agents running it show its name. */
  scriptChanged(scriptId: number): void {
    this.cache.invalidateWhere((read) => read.view.settings.scriptId === scriptId, { settle: true });
  }

  /** A write of the org went through this replica: whatever it changed, nothing of the org read before it is served. */
  orgWritten(orgId: number): void {
    this.cache.invalidateWhere((read) => read.view.orgId === orgId);
  }

  clear(): void {
    this.cache.clear();
  }
}

/** Entries are shared by every request that reads them: a renderer changing one would change it for all. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
