/**
 * API keys are 5 to 50 characters of letters, digits, `_`, `-` and `:` — existing clients
 * validate exactly that, so chosen keys (the bootstrap key) must follow it too.
 */
export const API_KEY_PATTERN = /^[A-Za-z0-9_:-]{5,50}$/;
export const API_KEY_RULE = 'must be 5 to 50 characters of letters, digits, _, - and :';

export const isWellFormedApiKey = (key: unknown): key is string => typeof key === 'string' && API_KEY_PATTERN.test(key);

/**
 * Keys the platform generates: `ak_<prefix>_<secret>` — a 10-character public lookup prefix
 * (lowercase letters and digits) and a 32-character base62 secret (~190 bits). 46 characters.
 */
export const GENERATED_KEY_PATTERN = /^ak_([a-z0-9]{10})_([A-Za-z0-9]{32})$/;

/**
 * A run's own key (`buster.apiKey`): `rk_<containerId>_<24 base62>` (~143 bits), within API_KEY_PATTERN so
 * clients that check a key's shape take it. The gateway sends these to the executor, not the registry.
 */
export const RUN_KEY_PATTERN = /^rk_([1-9][0-9]{0,15})_([A-Za-z0-9]{24})$/;
export const isRunKey = (key: string): boolean => RUN_KEY_PATTERN.test(key);
