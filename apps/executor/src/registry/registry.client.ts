import { Injectable } from '@nestjs/common';
import { RpcClient } from '@agentry/messaging';
import { Subjects, type Actor, type ActorRef, type AgentLaunchSnapshot, type AgentView } from '@agentry/contracts';

/**
 * The platform acting for an org on a run's behalf: the launching user's ids, no roles (the
 * internal handlers only scope by org).
 */
export const runActor = (orgId: number, by: ActorRef | null | undefined): Actor => ({
  orgId,
  userId: by?.userId ?? 0,
  keyId: by?.keyId ?? 0,
  roles: [],
  platformAdmin: false,
});

/** What the executor asks the registry (agents, their versions, scripts and objects). */
@Injectable()
export class RegistryClient {
  constructor(private readonly rpc: RpcClient) {}

  snapshot(actor: Actor, agentId: number, versionId?: string): Promise<AgentLaunchSnapshot> {
    return this.rpc.request(Subjects.internal.agentLaunchSnapshot, {
      actor,
      params: versionId ? { agentId, versionId } : { agentId },
    });
  }

  /** `saveArgument`: the launch's argument becomes the agent's default (a new version, with the caller's rights). */
  async saveArgument(actor: Actor, agentId: number, argument: unknown): Promise<string> {
    const saved = await this.rpc.request(Subjects.agents.save, {
      actor,
      params: { fields: { id: agentId, argument } },
    });
    return saved.versionId;
  }

  fetchAgent(actor: Actor, id: number): Promise<AgentView> {
    return this.rpc.request(Subjects.agents.fetch, { actor, params: { id } });
  }

  async getAgentObject(actor: Actor, agentId: number): Promise<string | null> {
    const result = await this.rpc.request(Subjects.internal.getAgentObject, { actor, params: { agentId } });
    return result.agentObject;
  }

  async setAgentObject(actor: Actor, agentId: number, agentObject: string | null): Promise<void> {
    await this.rpc.request(Subjects.internal.setAgentObject, { actor, params: { agentId, agentObject } });
  }
}
