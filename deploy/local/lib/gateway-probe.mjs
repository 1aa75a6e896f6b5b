/** Asks the running gateway whether it is up and whether an API key works. */
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_INTERVAL_MS = 250;
const KEY_HEADER = 'X-Phantombuster-Key-1';
/** Well-formed, so the gateway asks the registry about it; never a real key (those start with agt_ or are chosen). */
const PROBE_KEY = 'agentry-launcher-readiness-probe';

async function get(url, headers = {}) {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0; // not listening yet, or no answer in time
  }
}

/**
 * Polls `check` until it answers something other than undefined, the deadline passes
 * (answers `onTimeout`) or `signal` aborts (throws its reason).
 */
async function poll(check, { timeoutMs, onTimeout, signal }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const answer = await check();
    if (answer !== undefined) return answer;
    if (Date.now() >= deadline) return onTimeout;
    await sleep(POLL_INTERVAL_MS);
  }
}

const waitForStatus = (url, headers, expected, { timeoutMs, signal }) =>
  poll(async () => ((await get(url, headers)) === expected ? true : undefined), { timeoutMs, onTimeout: false, signal });

/** Resolves true once the gateway's `GET /health` answers 200, false after `timeoutMs`. */
export const waitForHealth = (baseUrl, options) => waitForStatus(`${baseUrl}/health`, {}, 200, options);

/**
 * Resolves true once the registry answers through the gateway, false after `timeoutMs`: the
 * gateway verifies every API key with the registry, so an unknown key answers 401 only when
 * the registry replied (503 while it is not listening yet).
 */
export const waitForRegistry = (baseUrl, options) => waitForStatus(`${baseUrl}/api/v1/user.json`, { [KEY_HEADER]: PROBE_KEY }, 401, options);

/**
 * 'accepted' when `GET /api/v1/user.json` answers 200 with the key; 'rejected' when it keeps
 * answering 401/403 for `rejectAfterMs` (the registry may create the first org a moment after
 * it starts answering); 'unknown' when the gateway gives no verdict within `timeoutMs`.
 */
export async function probeApiKey(baseUrl, key, { rejectAfterMs = 10_000, timeoutMs = 30_000, signal } = {}) {
  let firstRefusal;
  return poll(
    async () => {
      const status = await get(`${baseUrl}/api/v1/user.json`, { [KEY_HEADER]: key });
      if (status === 200) return 'accepted';
      if (status !== 401 && status !== 403) return undefined;
      firstRefusal ??= Date.now();
      return Date.now() - firstRefusal >= rejectAfterMs ? 'rejected' : undefined;
    },
    { timeoutMs, onTimeout: 'unknown', signal },
  );
}
