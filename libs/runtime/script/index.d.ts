/** Node-style callback: the classic form of every asynchronous method. */
export type Callback<T> = (err: Error | null, value?: T) => void;

export type MessageType = 'normal' | 'info' | 'warning' | 'error' | 'success';

export interface Buster {
  /** The launch argument, parsed (the agent's saved argument or the one given at launch). */
  readonly argument: unknown;
  readonly agentId: number;
  readonly containerId: number;
  /** Always null for now: run-scoped API keys are not issued yet. */
  readonly apiKey: string | null;
  /** The proxy in use; '' when none. */
  readonly proxyAddress: string;
  /** 0 on the first attempt, n on the n-th automatic retry of a failed run. */
  readonly retryCount: number;
  /** How many automatic retries the agent allows after a failed run (0: none); `retryCount === maxRetries` is the last attempt. */
  readonly maxRetries: number;

  /** Replaces the run's result object (small JSON). */
  setResultObject(object: unknown): Promise<void>;
  setResultObject(object: unknown, callback: Callback<void>): void;

  /** Synchronous: progress 0…1, label clipped to 50 characters. */
  progressHint(progress: number, label?: string | null): void;

  /**
   * New time limit in seconds counted from the run's start, > 0; beyond the operator's ceiling
   * (EXECUTOR_MAX_TIME_LIMIT_SECONDS) it is clamped to it; 0, negative or NaN rejects
   * (code INVALID_TIME_LIMIT): nothing removes the limit. An elapsed one stops the run.
   */
  overrideTimeLimit(seconds: number): Promise<void>;
  overrideTimeLimit(seconds: number, callback: Callback<void>): void;

  /** Seconds left (Infinity without a limit); -1 once a stop was requested. */
  getTimeLeft(): Promise<number>;
  getTimeLeft(callback: Callback<number>): void;

  /** The agent's persistent object ({} when unset); another agent of the org by id. */
  getAgentObject(agentId?: number): Promise<Record<string, unknown>>;
  getAgentObject(callback: Callback<Record<string, unknown>>): void;
  getAgentObject(agentId: number, callback: Callback<Record<string, unknown>>): void;
  setAgentObject(object: unknown): Promise<void>;
  setAgentObject(object: unknown, callback: Callback<void>): void;
  setAgentObject(agentId: number, object: unknown): Promise<void>;
  setAgentObject(agentId: number, object: unknown, callback: Callback<void>): void;

  getGlobalObject(): Promise<Record<string, unknown>>;
  getGlobalObject(callback: Callback<Record<string, unknown>>): void;
  setGlobalObject(object: unknown): Promise<void>;
  setGlobalObject(object: unknown, callback: Callback<void>): void;

  /** An agent message beside the console output. */
  message(text: string, type?: MessageType): Promise<void>;
  message(text: string, type: MessageType, callback: Callback<void>): void;

  /** Stores a remote (http/https) or local file in the agent's storage; answers its URL. */
  save(urlOrPath: string, saveAs?: string, headers?: Record<string, string>): Promise<string>;
  save(urlOrPath: string, ...rest: [...unknown[], Callback<string>]): void;
  saveText(text: string, saveAs: string, mime?: string): Promise<string>;
  saveText(text: string, ...rest: [...unknown[], Callback<string>]): void;
  saveBase64(base64OrDataUri: string, saveAs: string, mime?: string): Promise<string>;
  saveBase64(base64OrDataUri: string, ...rest: [...unknown[], Callback<string>]): void;
  saveFolder(folder?: string, saveAs?: string): Promise<string>;
  saveFolder(...rest: [...unknown[], Callback<string>]): void;
  /**
   * Stores rows as the agent's result files `<csvName>.csv` and `<jsonName>.json` (the argument's csvName /
   * jsonName, else `result`); the platform answers them as the run's csvName / jsonName.
   */
  saveResults(rows: object[]): Promise<{ csv: string; json: string }>;
  /** A full-page screenshot of a Puppeteer or Playwright page stored as `saveAs` (default screenshot.png; .jpg = JPEG), linked from the run's messages by the platform. */
  screenshot(page: { screenshot(options?: object): Promise<Uint8Array | string> }, saveAs?: string, options?: object): Promise<string>;
  /** Fetches a remote file into the run's own folder (not persistent); answers the local path. */
  download(url: string, saveAs?: string, headers?: Record<string, string>): Promise<string>;
  download(url: string, ...rest: [...unknown[], Callback<string>]): void;

  /** Mails the org's admins, or `to` when it is one of the org's users; rate-limited per org (rejects RATE_LIMITED). */
  mail(subject: string, text: string, to?: string): Promise<void>;
  mail(subject: string, text: string, callback: Callback<void>): void;
  mail(subject: string, text: string, to: string | undefined, callback: Callback<void>): void;
  /** Sends `message` to the agent's Slack and the org's `script.notification` endpoints; rate-limited per org. */
  notify(message: string, options?: unknown): Promise<void>;
  notify(message: string, callback: Callback<void>): void;
  notify(message: string, options: unknown, callback: Callback<void>): void;
}

/** The run's API object; the classic `create(casper?)` argument is ignored. */
export function create(casper?: unknown): Buster;
/** `new Buster()` (the modern documented form) answers the run's API object, as `create()` does. */
declare const BusterConstructor: { new (): Buster; (): Buster };
export default BusterConstructor;
/** The run's API object (null when loaded outside a run). */
export const buster: Buster;
