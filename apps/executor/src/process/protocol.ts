import type { RuntimeRequest } from './types.js';

/**
 * Messages on a run's private channel (newline-delimited JSON on the child's fd 3); the child side
 * is `libs/runtime/script/channel.cjs`.
 */
export interface RunConfig {
  /** The script's file as the script sees it (a warm runner was started before its script was known). */
  script: string;
  /**
   * The script's whole environment (the run's variables, PATH, HOME…): the runtime makes process.env
   * exactly this before the script loads. A warm runner was spawned with none of a run's variables.
   */
  env: Record<string, string>;
  argument: unknown;
  agentId: number;
  containerId: number;
  orgId: number;
  retryNumber: number;
  /** The agent's `maxRetryNumber` (0 when none): `buster.maxRetries`. */
  maxRetries: number;
  /** The storage folder as the script sees it (inside the sandbox when there is one). */
  storageDir: string;
  proxyAddress: string;
  apiKey: string | null;
  /** Time limit as an instant (ms since epoch); null = none. */
  deadline: number | null;
  /** The runtime image's modules folder as the script sees it (the browser builds load puppeteer-core / playwright-core from it); null: no image. */
  modulesDir: string | null;
  /** Chromium's executable as the script sees it; null: no browser on this executor. */
  browserExecutable: string | null;
  /** The flags of the script's `'phantombuster flags: …'` header lines (e.g. `save-folder`), read here so the runtime has no parser of its own. */
  scriptFlags: string[];
  /** The names of the agent's result files (`buster.saveResults()`): the argument's csvName / jsonName, else `result`. */
  resultFiles: { csv: string; json: string };
}

export type RunnerMessage =
  | { t: 'init'; config: RunConfig }
  | { t: 'deadline'; at: number | null }
  /** getTimeLeft() → -1 from now on; `terminate`: the runtime raises SIGTERM in its process group. */
  | { t: 'stop'; terminate: boolean }
  | { t: 'res'; id: number; ok: true; value: unknown }
  | { t: 'res'; id: number; ok: false; error: { message: string; code?: string } };

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * The script is untrusted: only well-formed requests reach the executor's hooks.
 * Answers null for anything else.
 */
export function parseRuntimeRequest(raw: unknown): RuntimeRequest | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const req = raw as Record<string, unknown>;
  switch (req.kind) {
    case 'setResultObject':
      return isString(req.resultObject) ? { kind: 'setResultObject', resultObject: req.resultObject } : null;
    case 'progressHint':
      return isNumber(req.progress) && (req.label === null || isString(req.label))
        ? { kind: 'progressHint', progress: Math.min(1, Math.max(0, req.progress)), label: req.label === null ? null : req.label.slice(0, 50) }
        : null;
    case 'message':
      return isString(req.text) && isString(req.type) ? { kind: 'message', text: req.text, type: req.type } : null;
    case 'getAgentObject':
      if (req.agentId === undefined) return { kind: 'getAgentObject' };
      return Number.isSafeInteger(req.agentId) ? { kind: 'getAgentObject', agentId: req.agentId as number } : null;
    case 'setAgentObject':
      if (!isString(req.agentObject)) return null;
      if (req.agentId === undefined) return { kind: 'setAgentObject', agentObject: req.agentObject };
      return Number.isSafeInteger(req.agentId) ? { kind: 'setAgentObject', agentId: req.agentId as number, agentObject: req.agentObject } : null;
    case 'getGlobalObject':
      return { kind: 'getGlobalObject' };
    case 'setGlobalObject':
      return isString(req.globalObject) ? { kind: 'setGlobalObject', globalObject: req.globalObject } : null;
    case 'overrideTimeLimit':
      // Never 0 or less: no value means "no limit" (the runner clamps to the operator's ceiling).
      return isNumber(req.seconds) && req.seconds > 0 ? { kind: 'overrideTimeLimit', seconds: req.seconds } : null;
    case 'saved':
      return isString(req.path) ? { kind: 'saved', path: req.path } : null;
    case 'mail':
      return isString(req.subject) && isString(req.text) && (req.to === null || req.to === undefined || isString(req.to))
        ? { kind: 'mail', subject: req.subject, text: req.text, to: req.to ?? null }
        : null;
    case 'notify':
      return isString(req.text) ? { kind: 'notify', text: req.text } : null;
    default:
      return null;
  }
}
