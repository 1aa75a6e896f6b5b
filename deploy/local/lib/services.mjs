/**
 * The services `npm start` runs, in start order (they are stopped in reverse order, so the
 * gateway, listed last, stops taking requests first). Adding a service is one line here.
 * `env` lists the settings (see config.mjs) the service receives; no other of these settings
 * reaches it, so secrets go only where they are needed. Other variables (e.g. the gateway's
 * BODY_LIMIT_BYTES) pass through from the launcher's environment.
 */
const COMMON = ['NATS_URL', 'LOG_LEVEL', 'LOG_FORMAT'];

export const SERVICES = [
  { name: 'registry', entry: 'apps/registry/dist/main.js', env: [...COMMON, 'DATABASE_URL', 'AGENTRY_SECRET_KEY', 'AGENTRY_BOOTSTRAP_API_KEY'] },
  { name: 'executor', entry: 'apps/executor/dist/main.js', env: [...COMMON, 'DATABASE_URL', 'AGENTRY_SECRET_KEY', 'AGENTRY_STORAGE_DIR'] },
  { name: 'output', entry: 'apps/output/dist/main.js', env: [...COMMON, 'DATABASE_URL'] },
  { name: 'scheduler', entry: 'apps/scheduler/dist/main.js', env: [...COMMON, 'DATABASE_URL'] },
  { name: 'notifier', entry: 'apps/notifier/dist/main.js', env: [...COMMON, 'DATABASE_URL', 'AGENTRY_SECRET_KEY'] },
  { name: 'gateway', entry: 'apps/gateway/dist/main.js', env: [...COMMON, 'PORT', 'HOST'] },
];

/** Settings of one process each: passed to all the services they would collide (every health server on one port). */
const NOT_PASSED = ['HEALTH_PORT'];

/** Every setting name any service may receive; stripped from the inherited environment first. */
const ALL_SETTINGS = [...new Set([...SERVICES.flatMap((s) => s.env), ...NOT_PASSED])];

/**
 * The environment of one service: the launcher's own environment (PATH, locale, …) without
 * any Agentry setting, plus the settings the service declares.
 */
export function serviceEnv(service, settings, baseEnv = process.env) {
  const env = { ...baseEnv };
  for (const name of ALL_SETTINGS) delete env[name];
  for (const name of service.env) {
    if (settings[name] !== undefined) env[name] = String(settings[name]);
  }
  return env;
}
