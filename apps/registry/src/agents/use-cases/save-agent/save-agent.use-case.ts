import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConcurrencyError, EventStore, ProjectionRunner, type AppendResult } from '@agentry/event-store';
import {
  AGENT_IDEMPOTENCY_STREAM_TYPE,
  AgentIdempotencyKeyReserved,
  DomainError,
  ErrorCode,
  Role,
  StreamType,
  notFound,
  requireRole,
  validationFailed,
  type RequestEnvelope,
  type SaveAgentParams,
  type SaveAgentResult,
} from '@agentry/contracts';
import { OrgPlans } from '../../../accounts/index.js';
import { SecretBox } from '@agentry/secrets';
import { AgentStreams, agentStreamId, idempotencyStreamId, toNewEvent } from '../../agent-streams.js';
import { decideCreate, decideUpdate, type CommandContext } from '../../domain/decide.js';
import { parseSaveInput, type ParsedSaveInput } from '../../domain/parse-save-input.js';
import { NO_SECRETS, sealSecrets } from '../../domain/secrets.js';
import { defaultSettings } from '../../domain/settings.js';
import { AgentsLookup } from '../../read-model/agents.lookup.js';
import { AgentReferences, type ResolvedScript } from './agent-references.js';

const PLAN_LIMIT_MESSAGE = 'Maximum amount of agents reached. Please upgrade your plan to unlock more slots for your agents.';

/**
 * `agents/save` (the v2 API): with `id` a partial update of that agent, without it a create.
 * An update applies to the version it loaded: a concurrent save in between makes it fail with
 * 409 CONCURRENCY_CONFLICT instead of silently overwriting.
 */
@Injectable()
export class SaveAgentUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly streams: AgentStreams,
    private readonly projections: ProjectionRunner,
    private readonly lookup: AgentsLookup,
    private readonly references: AgentReferences,
    private readonly plans: OrgPlans,
    private readonly secretBox: SecretBox,
  ) {}

  async execute(envelope: RequestEnvelope<SaveAgentParams>): Promise<SaveAgentResult> {
    const { fields } = envelope.params ?? {};
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      throw validationFailed([{ field: 'body', message: 'must be a JSON object of agent fields' }]);
    }
    const isUpdate = fields.id !== undefined && fields.id !== null && fields.id !== '';
    requireRole(envelope.actor, isUpdate ? Role.AGENTS_UPDATE : Role.AGENTS_CREATE);
    const input = parseSaveInput(fields);
    const ctx: CommandContext = { by: { userId: envelope.actor.userId, keyId: envelope.actor.keyId }, now: Date.now() };
    return input.id !== null ? this.update(input.id, input, envelope, ctx) : this.create(input, envelope, ctx);
  }

  private async update(id: number, input: ParsedSaveInput, envelope: RequestEnvelope<unknown>, ctx: CommandContext): Promise<SaveAgentResult> {
    const orgId = envelope.actor.orgId;
    const loaded = await this.streams.loadAgent(id);
    if (!loaded.state || loaded.state.orgId !== orgId) throw notFound('Agent');
    const script = await this.references.check(orgId, input, id);
    const versionId = randomUUID();
    const events = decideUpdate(
      loaded.state,
      { patch: withScript(input, script), secrets: sealSecrets(input.secrets, this.secretBox), versionId, agentObject: input.agentObject },
      ctx,
    );
    const appended = await this.store.append(
      agentStreamId(id),
      StreamType.agent,
      events.map((e) => toNewEvent(e, envelope)),
      {
        expectedVersion: loaded.version,
      },
    );
    return this.answer(orgId, id, false, versionId, appended.position);
  }

  private async create(input: ParsedSaveInput, envelope: RequestEnvelope<unknown>, ctx: CommandContext): Promise<SaveAgentResult> {
    const orgId = envelope.actor.orgId;
    const key = input.idempotencyKey;
    if (key !== null) {
      const existing = await this.streams.idempotencyHolder(orgId, key);
      if (existing !== null) return this.answerExisting(orgId, existing);
    }
    const script = await this.references.check(orgId, input, null);
    await this.checkPlan(orgId);

    const agentId = await this.store.nextId('agent');
    const versionId = randomUUID();
    const events = decideCreate(
      {
        agentId,
        orgId,
        settings: { ...defaultSettings(defaultName(agentId, script)), ...withScript(input, script) },
        secrets: { ...NO_SECRETS, ...sealSecrets(input.secrets, this.secretBox) },
        versionId,
        storageFolder: randomBytes(16).toString('base64url'),
        userStorageFolder: randomBytes(8).toString('base64url'),
        idempotencyKey: key,
        agentObject: input.agentObject,
      },
      ctx,
    );
    try {
      // The key's reservation and the agent's first events commit together: a key never points
      // to an agent that does not exist, and of two racing creates with one key only one commits.
      const appended = await this.dataSource.transaction(async (manager): Promise<AppendResult> => {
        if (key !== null) {
          const reservation = { type: AgentIdempotencyKeyReserved, data: { orgId, agentId } };
          await this.store.append(idempotencyStreamId(orgId, key), AGENT_IDEMPOTENCY_STREAM_TYPE, [toNewEvent(reservation, envelope)], {
            expectedVersion: 'no_stream',
            manager,
          });
        }
        return this.store.append(
          agentStreamId(agentId),
          StreamType.agent,
          events.map((e) => toNewEvent(e, envelope)),
          {
            expectedVersion: 'no_stream',
            manager,
          },
        );
      });
      return this.answer(orgId, agentId, true, versionId, appended.position);
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || key === null) throw error;
      const winner = await this.streams.idempotencyHolder(orgId, key);
      if (winner === null) throw error;
      return this.answerExisting(orgId, winner);
    }
  }

  /** Counts the org's agents in the read model; two creates racing for the last slot may both pass. */
  private async checkPlan(orgId: number): Promise<void> {
    const { maxAgents } = await this.plans.get(orgId);
    if ((await this.lookup.countLive(orgId)) >= maxAgents) throw new DomainError(ErrorCode.PLAN_LIMIT_REACHED, PLAN_LIMIT_MESSAGE);
  }

  /** A retried create: the agent its idempotency key made, once its events are projected. */
  private async answerExisting(orgId: number, agentId: number): Promise<SaveAgentResult> {
    const loaded = await this.streams.loadAgent(agentId);
    if (!loaded.state?.current || !loaded.position) throw notFound('Agent');
    if (loaded.state.status === 'deleted') {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `This idempotencyKey created agent ${agentId}, which has since been deleted`);
    }
    return this.answer(orgId, agentId, false, loaded.state.current.versionId, loaded.position);
  }

  private async answer(orgId: number, id: number, created: boolean, versionId: string, position: AppendResult['position']): Promise<SaveAgentResult> {
    await this.projections.waitFor(position);
    return { id, created, versionId, agent: await this.lookup.get(orgId, id) };
  }
}

function withScript(input: ParsedSaveInput, script: ResolvedScript | undefined) {
  return script === undefined ? input.patch : { ...input.patch, scriptId: script.scriptId };
}

/** A new agent without a name is named after its script (without extension), else by its id. */
function defaultName(agentId: number, script: ResolvedScript | undefined): string {
  const fromScript = script?.scriptName?.replace(/\.(m?js|coffee)$/, '');
  return fromScript || `Agent ${agentId}`;
}
