import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode, Role, Subjects, type ActorRef } from '@agentry/contracts';
import type { RpcClient } from '@agentry/messaging';
import { schedulerActor } from './launcher.js';

const logger = new Logger('Expiry');
const BATCH = 100;

/**
 * `expireAt`: agents whose time has come are deleted through the registry, like a user's delete. Until the
 * AgentDeleted event reaches the read model a later tick may ask again; the registry then answers
 * NOT_FOUND, which is the expected outcome.
 */
export async function deleteExpired(dataSource: DataSource, rpc: RpcClient, now: number): Promise<void> {
  const rows: { agent_id: number; org_id: number; launched_by: ActorRef | null }[] = await dataSource.query(
    `SELECT agent_id, org_id, launched_by FROM scheduler_agents WHERE expire_at <= $1 ORDER BY expire_at LIMIT $2`,
    [now, BATCH],
  );
  for (const row of rows) {
    try {
      await rpc.request(Subjects.agents.delete, {
        actor: schedulerActor(row.org_id, row.launched_by, Role.AGENTS_UPDATE),
        params: { id: row.agent_id },
      });
      logger.log(`agent ${row.agent_id} expired: deleted`);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) continue;
      logger.warn(`agent ${row.agent_id} expired, delete failed (tried again next tick): ${(error as Error).message}`);
    }
  }
}
