'use strict';
// The object a script gets from create(): properties of the run and methods that talk to the
// platform. Every asynchronous method returns a promise, or, when its last argument is a
// function, calls it as callback(err, value) instead (the classic form) and returns undefined.
const path = require('node:path');

/** Loaded on first use: its stream modules would slow every run's start for the few that save files. */
let filesModule = null;
const files = () => (filesModule ??= require('./files.cjs'));
const results = require('./results.cjs');

const LABEL_MAX = 50;
const MESSAGE_TYPES = new Set(['normal', 'info', 'warning', 'error', 'success']);

/** Wraps `impl(...args)` so it serves both styles. */
function dual(impl) {
  return function dualStyle(...args) {
    const callback = typeof args[args.length - 1] === 'function' ? args.pop() : null;
    const result = Promise.resolve().then(() => impl.apply(this, args));
    if (!callback) return result;
    result.then(
      (value) => callback(null, value),
      (error) => callback(error),
    );
    return undefined;
  };
}

const invalid = (message) => Object.assign(new TypeError(message), { code: 'VALIDATION_FAILED' });

function toJsonText(value, what) {
  const text = JSON.stringify(value === undefined ? null : value);
  if (text === undefined) throw new TypeError(`${what} must be JSON-serialisable`);
  return text;
}

function parseJsonObject(text) {
  if (text === null || text === undefined || text === '') return {};
  return typeof text === 'string' ? JSON.parse(text) : text;
}

class Buster {
  /**
   * @param {object} config what the runner sent at start (see runner protocol)
   * @param {{request(req): Promise<unknown>, notify(req): void}} channel
   * @param {{deadline: number|null, stopped: boolean}} clock shared with the bootstrap
   */
  constructor(config, channel, clock) {
    Object.defineProperty(this, '_channel', { value: channel });
    Object.defineProperty(this, '_clock', { value: clock });
    Object.defineProperty(this, '_config', { value: config });
    this.argument = config.argument;
    this.agentId = config.agentId;
    this.containerId = config.containerId;
    /** Null for now: a run-scoped key is not issued yet (see README). */
    this.apiKey = config.apiKey ?? null;
    this.proxyAddress = config.proxyAddress ?? '';
    /** 0 for the first attempt, n for the n-th automatic retry of a failed run. */
    this.retryCount = config.retryNumber ?? 0;
    /** How many automatic retries the agent allows after a failed run (its maxRetryNumber; 0: none). */
    this.maxRetries = config.maxRetries ?? 0;
  }

  /** Synchronous; `progress` 0…1, `label` clipped to 50 characters. */
  progressHint(progress, label) {
    const value = Number(progress);
    if (!Number.isFinite(value)) throw new TypeError('progress must be a number between 0 and 1');
    const clipped = label === undefined || label === null ? null : String(label).slice(0, LABEL_MAX);
    this._channel.notify({ kind: 'progressHint', progress: Math.min(1, Math.max(0, value)), label: clipped });
  }

  /** Seconds left before the time limit (Infinity without one), -1 once a stop was requested. */
  timeLeftNow() {
    const { deadline, stopped } = this._clock;
    if (stopped) return -1;
    if (deadline === null) return Infinity;
    return Math.max(0, Math.floor((deadline - Date.now()) / 1000));
  }

  _storageUrl(relative) {
    return `/api/v1/agent/${this.agentId}/storage/${relative.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** Tells the platform a file landed in storage; answers its URL. */
  async _saved(relative) {
    const answer = await this._channel.request({ kind: 'saved', path: relative });
    return typeof answer === 'string' ? answer : this._storageUrl(relative);
  }

  _inStorage(relative) {
    return path.join(this._config.storageDir, relative);
  }
}

const methods = {
  setResultObject(object) {
    return this._channel.request({ kind: 'setResultObject', resultObject: toJsonText(object, 'the result object') }).then(() => undefined);
  },
  /**
   * Moves the run's time limit to `seconds` after its start, within (0, the operator's ceiling]:
   * more than the ceiling is clamped to it (getTimeLeft() tells), and nothing removes the limit.
   */
  overrideTimeLimit(seconds) {
    const value = Number(seconds);
    if (!(value > 0) || !Number.isFinite(value)) {
      throw Object.assign(new RangeError(`overrideTimeLimit: seconds must be a number > 0 (got ${String(seconds)}); a run always has a time limit`), {
        code: 'INVALID_TIME_LIMIT',
      });
    }
    return this._channel.request({ kind: 'overrideTimeLimit', seconds: value }).then(() => undefined);
  },
  getTimeLeft() {
    return this.timeLeftNow();
  },
  getAgentObject(agentId) {
    const req = agentId === undefined || agentId === null ? { kind: 'getAgentObject' } : { kind: 'getAgentObject', agentId: Number(agentId) };
    return this._channel.request(req).then(parseJsonObject);
  },
  // setAgentObject(object) for the run's own agent, setAgentObject(agentId, object) for another
  // agent of the same org (the registry answers "Agent not found" for any other org's agent).
  setAgentObject(...args) {
    const [agentId, object] = args.length >= 2 ? args : [undefined, args[0]];
    const req = { kind: 'setAgentObject', agentObject: toJsonText(object, 'the agent object') };
    if (agentId !== undefined && agentId !== null) req.agentId = Number(agentId);
    return this._channel.request(req).then(() => undefined);
  },
  getGlobalObject() {
    return this._channel.request({ kind: 'getGlobalObject' }).then(parseJsonObject);
  },
  setGlobalObject(object) {
    return this._channel.request({ kind: 'setGlobalObject', globalObject: toJsonText(object, 'the global object') }).then(() => undefined);
  },
  message(text, type = 'normal') {
    const messageType = MESSAGE_TYPES.has(type) ? type : 'normal';
    return this._channel.request({ kind: 'message', text: String(text), type: messageType }).then(() => undefined);
  },
  async save(urlOrPath, saveAs, headers) {
    const relative = files().storagePath(saveAs, files().nameOf(urlOrPath, 'file'));
    if (files().isUrl(urlOrPath)) await files().fetchInto(this._config.storageDir, relative, String(urlOrPath), headers);
    else await files().copyInto(this._config.storageDir, relative, path.resolve(String(urlOrPath)));
    return this._saved(relative);
  },
  async saveText(text, saveAs, _mime) {
    const relative = files().storagePath(saveAs, 'text.txt');
    await files().writeFile(this._config.storageDir, relative, String(text));
    return this._saved(relative);
  },
  async saveBase64(data, saveAs, _mime) {
    const relative = files().storagePath(saveAs, 'file.bin');
    await files().writeFile(this._config.storageDir, relative, files().decodeBase64(data));
    return this._saved(relative);
  },
  async saveFolder(folder = '.', saveAs) {
    const source = path.resolve(String(folder));
    const relative = files().storagePath(saveAs, path.basename(source) || 'folder');
    await files().copyInto(this._config.storageDir, relative, source);
    return this._saved(relative);
  },
  /**
   * Stores `rows` as the agent's conventional result files, `<csvName>.csv` and `<jsonName>.json`
   * (the argument's `csvName` / `jsonName`, else `result`: the names the executor gives in the config
   * and records as the run's csvName / jsonName). Answers both URLs.
   */
  async saveResults(rows) {
    if (!Array.isArray(rows)) throw Object.assign(new TypeError('saveResults(rows): rows must be an array of objects'), { code: 'VALIDATION_FAILED' });
    const names = this._config.resultFiles ?? { csv: 'result', json: 'result' };
    const csv = await methods.saveText.call(this, results.toCsv(rows), `${names.csv}.csv`);
    const json = await methods.saveText.call(this, JSON.stringify(rows), `${names.json}.json`);
    return { csv, json };
  },
  /**
   * A screenshot of a Puppeteer or Playwright page stored in the agent's storage (`screenshot.png`
   * unless named; `.jpg` / `.jpeg` take a JPEG); the platform links it from the run's messages. Answers its URL.
   */
  async screenshot(page, saveAs = 'screenshot.png', options = {}) {
    if (!page || typeof page.screenshot !== 'function')
      throw Object.assign(new TypeError('screenshot(page): page must be a Puppeteer or Playwright page'), { code: 'VALIDATION_FAILED' });
    const relative = files().storagePath(saveAs, 'screenshot.png');
    const type = /\.jpe?g$/i.test(relative) ? 'jpeg' : 'png';
    const image = await page.screenshot({ fullPage: true, ...options, type });
    await files().writeFile(this._config.storageDir, relative, Buffer.from(image));
    return this._saved(relative);
  },
  /** Fetches a remote file to the run's own folder (not persistent); answers its local path. */
  async download(url, saveAs, headers) {
    const relative = files().storagePath(saveAs, files().nameOf(url, 'download'));
    await files().fetchInto(process.cwd(), relative, String(url), headers);
    return path.join(process.cwd(), relative);
  },
  /**
   * Mails the org: `to` must be one of the org's users' addresses (else the org's admins get it).
   * The notifier checks it and counts the call against the org's hourly limit; a refusal rejects.
   */
  async mail(subject, text, to) {
    if (typeof subject !== 'string' || subject === '') throw invalid('mail(subject, text, to?): subject must be a non-empty string');
    if (typeof text !== 'string' || text === '') throw invalid('mail(subject, text, to?): text must be a non-empty string');
    if (to !== undefined && to !== null && typeof to !== 'string') throw invalid('mail(subject, text, to?): to must be an email address');
    await this._channel.request({ kind: 'mail', subject, text, to: to || null });
  },
  /** Sends `message` to the agent's Slack and the org endpoints subscribed to `script.notification`; `options` is accepted and unused. */
  async notify(message) {
    if (typeof message !== 'string' || message === '') throw invalid('notify(message): message must be a non-empty string');
    await this._channel.request({ kind: 'notify', text: message });
  },
};

for (const [name, impl] of Object.entries(methods)) {
  Object.defineProperty(Buster.prototype, name, { value: dual(impl), writable: true, configurable: true });
}

module.exports = { Buster, dual };
