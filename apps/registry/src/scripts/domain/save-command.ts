import {
  BRANCH_NAME_PATTERN,
  DEFAULT_SCRIPT_SOURCE,
  MAX_SCRIPT_TEXT_BYTES,
  SCRIPT_NAME_PATTERN,
  SCRIPT_SOURCE_PATTERN,
  validationFailed,
  type FieldError,
} from '@agentry/contracts';

/** A save request whose fields each passed their own rule (whether it creates or updates is decided later). */
export interface SaveCommand {
  name: string;
  text?: string;
  source?: string;
  insertOnly: boolean;
  /** Write this branch's staging code only (absent: the one-version save of `master`). */
  branch?: string;
}

export const NAME_RULE =
  'must be a word character, then up to 48 word characters, dots, spaces or dashes, ending in a word character, then .js, .mjs or .coffee';
export const SOURCE_RULE = 'must be 1 to 20 letters, digits or spaces';

export function scriptNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name === '') return 'is required';
  return SCRIPT_NAME_PATTERN.test(name) ? null : NAME_RULE;
}

/** Checks every field and reports all problems at once, each naming the field the client sent. */
export function parseSaveCommand(params: { name?: unknown; text?: unknown; source?: unknown; insertOnly?: unknown; branch?: unknown }): SaveCommand {
  const problems: FieldError[] = [];
  const nameProblem = scriptNameProblem(params.name);
  if (nameProblem) problems.push({ field: 'name', message: nameProblem });

  if (params.text !== undefined && params.text !== null) {
    if (typeof params.text !== 'string') problems.push({ field: 'text', message: 'must be a string' });
    else if (Buffer.byteLength(params.text, 'utf8') > MAX_SCRIPT_TEXT_BYTES)
      problems.push({ field: 'text', message: `must be at most ${MAX_SCRIPT_TEXT_BYTES} bytes` });
  }

  // An empty source means "not given", like the classic API's other optional string parameters.
  const source = params.source === '' || params.source === null ? undefined : params.source;
  if (source !== undefined && (typeof source !== 'string' || !SCRIPT_SOURCE_PATTERN.test(source))) problems.push({ field: 'source', message: SOURCE_RULE });

  if (params.insertOnly !== undefined && typeof params.insertOnly !== 'boolean') problems.push({ field: 'insertOnly', message: 'must be a boolean' });

  const branch = params.branch === '' || params.branch === null ? undefined : params.branch;
  if (branch !== undefined && (typeof branch !== 'string' || !BRANCH_NAME_PATTERN.test(branch)))
    problems.push({ field: 'branch', message: 'must be 1 to 50 letters, digits, _ or -' });
  if (branch !== undefined && params.text === undefined) problems.push({ field: 'code', message: 'is required with branch (the staging code to save)' });

  if (problems.length) throw validationFailed(problems);
  return {
    name: params.name as string,
    text: (params.text ?? undefined) as string | undefined,
    source: source as string | undefined,
    insertOnly: params.insertOnly === true,
    ...(branch !== undefined ? { branch: branch as string } : {}),
  };
}

export const sourceOnCreate = (command: SaveCommand): string => command.source ?? DEFAULT_SCRIPT_SOURCE;
