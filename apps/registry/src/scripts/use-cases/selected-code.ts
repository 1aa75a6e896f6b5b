import {
  BRANCH_NAME_PATTERN,
  DomainError,
  ErrorCode,
  MASTER_BRANCH,
  SCRIPT_ENVIRONMENTS,
  validationFailed,
  type FieldError,
  type ScriptCodeSelector,
  type ScriptDto,
  type ScriptEnvironment,
} from '@agentry/contracts';
import type { ScriptsLookup } from '../read-model/scripts.lookup.js';

/** `branch` / `environment` as sent (absent: `master`, `release`); each bad one is a 400 naming it. */
export function readCodeSelector(p: ScriptCodeSelector): { branch: string; environment: ScriptEnvironment } | null {
  if ((p.branch === undefined || p.branch === null) && (p.environment === undefined || p.environment === null)) return null;
  const problems: FieldError[] = [];
  const branch = p.branch ?? MASTER_BRANCH;
  if (typeof branch !== 'string' || !BRANCH_NAME_PATTERN.test(branch)) problems.push({ field: 'branch', message: 'must be 1 to 50 letters, digits, _ or -' });
  const environment = p.environment ?? 'release';
  if (!(SCRIPT_ENVIRONMENTS as readonly unknown[]).includes(environment)) problems.push({ field: 'environment', message: 'must be staging or release' });
  if (problems.length) throw validationFailed(problems);
  return { branch, environment: environment as ScriptEnvironment };
}

/**
 * The script with its branches, and the code of the asked branch and environment as its `text`
 * (unchanged when none was asked for). Not in that branch or environment: the v2 document's 412.
 */
export async function withSelectedCode(
  lookup: ScriptsLookup,
  orgId: number,
  script: ScriptDto,
  p: ScriptCodeSelector & { withoutText?: boolean },
): Promise<ScriptDto> {
  const selector = readCodeSelector(p);
  script = { ...script, branches: await lookup.branchesOf(orgId, script.id) };
  if (!selector) return script;
  const code = await lookup.codeIn(orgId, script.id, selector.branch, selector.environment);
  if ('problem' in code) throw new DomainError(ErrorCode.PRECONDITION_FAILED, code.problem);
  return p.withoutText === true ? script : { ...script, text: code.text };
}
