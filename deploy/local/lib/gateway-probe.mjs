/** Asks the running gateway whether it is up and whether an API key works. */
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_INTERVAL_MS = 250;

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

/** Resolves true once `GET /health` answers 200, false after `timeoutMs`. */
export function waitForHealth(baseUrl, { timeoutMs, signal }) {
  return poll(async () => ((await get(`${baseUrl}/health`)) === 200 ? true : undefined), { timeoutMs, onTimeout: false, signal });
}

/**
 * 'accepted' when `GET /api/v1/user.json` answers 200 with the key; 'rejected' when it keeps
 * answering 401/403 for `rejectAfterMs` (the registry may create the first org a moment after
 * it starts answering); 'unknown' when the gateway gives no verdict within `timeoutMs`.
 */
export async function probeApiKey(baseUrl, key, { rejectAfterMs = 10_000, timeoutMs = 30_000, signal } = {}) {
  let firstRefusal;
  return poll(
    async () => {
      const status = await get(`${baseUrl}/api/v1/user.json`, { 'X-Phantombuster-Key-1': key });
      if (status === 200) return 'accepted';
      if (status !== 401 && status !== 403) return undefined;
      firstRefusal ??= Date.now();
      return Date.now() - firstRefusal >= rejectAfterMs ? 'rejected' : undefined;
    },
    { timeoutMs, onTimeout: 'unknown', signal },
  );
}
