import {
  AccountEventType,
  DomainError,
  ErrorCode,
  MAX_AGENTS_LIMIT,
  MAX_RUNNING_CONTAINERS_LIMIT,
  ORG_NAME_MAX,
  Role,
  TAG_NAME_MAX,
  validationFailed,
  type AccountEvent as LoggedAccountEvent,
  type FieldError,
  type OrgCreatedData,
  type OrgNameClaimedData,
  type OrgPlan,
  type OrgUserAddedData,
  type TagCreatedData,
} from '@agentry/contracts';
import type { AccountEvent, Performer } from './account-event.js';

/** What an `org-<id>` stream folds to. */
export interface OrgState {
  orgId: number;
  name: string;
  plan: OrgPlan;
  /** Lower-cased tag names, for per-org uniqueness. */
  tagNames: string[];
}

/** Folds an `org-<id>` stream as read from the log (the type narrows each event's data). */
export function foldOrg(events: readonly LoggedAccountEvent[]): OrgState | null {
  let state = null as OrgState | null;
  for (const event of events) {
    if (event.type === AccountEventType.orgCreated) {
      const d = event.data;
      state = { orgId: d.orgId, name: d.name, plan: d.plan, tagNames: [] };
    } else if (state && event.type === AccountEventType.tagCreated) {
      state = { ...state, tagNames: [...state.tagNames, event.data.name.toLowerCase()] };
    }
  }
  return state;
}

export interface CreateOrgCommand {
  name: string;
  plan: OrgPlan;
  adminEmail: string | null;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Printable text without control characters; the name is shown to people and used in a claim stream id.
const NAME_PATTERN = /^[^\p{Cc}]+$/u;

export function orgNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.trim() === '') return 'is required';
  const trimmed = name.trim();
  if (trimmed.length > ORG_NAME_MAX) return `must be at most ${ORG_NAME_MAX} characters`;
  return NAME_PATTERN.test(trimmed) ? null : 'must not contain control characters';
}

function planProblems(plan: unknown): FieldError[] {
  if (plan === undefined || plan === null) return [{ field: 'plan.maxAgents', message: 'is required' }];
  if (typeof plan !== 'object' || Array.isArray(plan)) return [{ field: 'plan', message: 'must be an object like {"maxAgents": 10}' }];
  const maxAgents = (plan as Record<string, unknown>).maxAgents;
  if (maxAgents === undefined || maxAgents === null) return [{ field: 'plan.maxAgents', message: 'is required' }];
  if (typeof maxAgents !== 'number' || !Number.isSafeInteger(maxAgents)) return [{ field: 'plan.maxAgents', message: 'must be an integer' }];
  if (maxAgents < 0 || maxAgents > MAX_AGENTS_LIMIT) return [{ field: 'plan.maxAgents', message: `must be between 0 and ${MAX_AGENTS_LIMIT}` }];
  return runningCapProblems((plan as Record<string, unknown>).maxRunningContainers);
}

/** `plan.maxRunningContainers`: optional (absent → the operator's default), at least 1 (0 would queue the org's runs for ever). */
function runningCapProblems(cap: unknown): FieldError[] {
  if (cap === undefined || cap === null) return [];
  const field = 'plan.maxRunningContainers';
  if (typeof cap !== 'number' || !Number.isSafeInteger(cap)) return [{ field, message: 'must be an integer' }];
  if (cap < 1 || cap > MAX_RUNNING_CONTAINERS_LIMIT) return [{ field, message: `must be between 1 and ${MAX_RUNNING_CONTAINERS_LIMIT}` }];
  return [];
}

/** The org's running-containers cap: its plan's, else the operator's default. */
export const effectiveRunningCap = (plan: Pick<OrgPlan, 'maxRunningContainers'>, operatorDefault: number): number =>
  plan.maxRunningContainers ?? operatorDefault;

function emailProblem(email: unknown): string | null {
  if (email === undefined || email === null || email === '') return null;
  if (typeof email !== 'string') return 'must be a string';
  return email.trim().length <= 254 && EMAIL_PATTERN.test(email.trim()) ? null : 'must be an email address';
}

/** Checks every field of `POST /api/v2/orgs` and reports all problems at once. */
export function parseCreateOrg(params: { name?: unknown; plan?: unknown; adminEmail?: unknown }): CreateOrgCommand {
  const problems: FieldError[] = [];
  const nameProblem = orgNameProblem(params.name);
  if (nameProblem) problems.push({ field: 'name', message: nameProblem });
  problems.push(...planProblems(params.plan));
  const mailProblem = emailProblem(params.adminEmail);
  if (mailProblem) problems.push({ field: 'adminEmail', message: mailProblem });
  if (problems.length) throw validationFailed(problems);
  const email = typeof params.adminEmail === 'string' && params.adminEmail.trim() !== '' ? params.adminEmail.trim() : null;
  return {
    name: (params.name as string).trim(),
    plan: planOf(params.plan as OrgPlan),
    adminEmail: email,
  };
}

/** Only the plan's known fields, and `maxRunningContainers` only when given (absent follows the operator's default). */
function planOf(plan: OrgPlan): OrgPlan {
  const { maxAgents, maxRunningContainers } = plan;
  return maxRunningContainers === undefined || maxRunningContainers === null ? { maxAgents } : { maxAgents, maxRunningContainers };
}

export interface NewOrgEvents {
  /** For the `org_name-<name>` claim stream. */
  claim: AccountEvent<OrgNameClaimedData>;
  /** For the `org-<id>` stream. */
  org: [AccountEvent<OrgCreatedData>, AccountEvent<OrgUserAddedData>];
}

/** A new org with its first user, who is the org's admin. */
export function decideCreateOrg(command: CreateOrgCommand, ids: { orgId: number; adminUserId: number }, now: number, createdBy?: Performer): NewOrgEvents {
  const created: OrgCreatedData = { orgId: ids.orgId, name: command.name, plan: command.plan, createdAt: now };
  if (createdBy) created.createdBy = createdBy;
  return {
    claim: { type: AccountEventType.orgNameClaimed, data: { orgId: ids.orgId, name: command.name } },
    org: [
      { type: AccountEventType.orgCreated, data: created },
      {
        type: AccountEventType.userAdded,
        data: { orgId: ids.orgId, userId: ids.adminUserId, email: command.adminEmail, roles: [Role.ORG_ADMIN], addedAt: now },
      },
    ],
  };
}

export const orgNameTaken = (name: string): DomainError =>
  new DomainError(ErrorCode.ALREADY_EXISTS, `An org named "${name}" already exists`, [{ field: 'name', message: 'is already taken' }]);

export function parseTagName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw validationFailed([{ field: 'name', message: 'is required' }]);
  const trimmed = name.trim();
  if (trimmed.length > TAG_NAME_MAX || !NAME_PATTERN.test(trimmed))
    throw validationFailed([{ field: 'name', message: `must be 1 to ${TAG_NAME_MAX} characters without control characters` }]);
  return trimmed;
}

/** Tag names are unique in an org, ignoring case. */
export function decideCreateTag(org: OrgState, name: string, tagId: number, now: number, by: Performer): AccountEvent<TagCreatedData> {
  if (org.tagNames.includes(name.toLowerCase()))
    throw new DomainError(ErrorCode.ALREADY_EXISTS, `A tag named "${name}" already exists`, [{ field: 'name', message: 'is already taken' }]);
  return { type: AccountEventType.tagCreated, data: { orgId: org.orgId, tagId, name, createdAt: now, createdBy: by } };
}
