/**
 * The launcher's settings, validated all at once with the validators the services use
 * (`@agentry/config`), so `npm start` rejects a bad value before starting anything and says
 * what to set instead.
 */
import path from 'node:path';
import { key256, loadConfig, logLevel, oneOf, optionalString, requiredUrl, withDefault } from '@agentry/config';
import { API_KEY_PATTERN, API_KEY_RULE } from '@agentry/contracts';
import { REPO_ROOT } from './paths.mjs';

/** A setting that may be left unset; when set it must pass `setting`. */
const optional = (setting) => ({
  read: (raw, name) => (raw === undefined ? { value: undefined } : setting.read(raw, name)),
});

/** A port to listen on; 0 ("any free port") is refused: the launcher prints the URL. */
const listenPort = (fallback) => ({
  read(raw, name) {
    if (raw === undefined) return { value: fallback };
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      return { problem: `${name} must be a port number 1-65535 (e.g. ${name}=${fallback}), got "${raw}"` };
    }
    return { value };
  },
});

const host = () => optionalString(/^[A-Za-z0-9.:[\]-]+$/, 'must be an IP address or host name (e.g. HOST=127.0.0.1)');

export function loadLauncherConfig(env = process.env) {
  const c = loadConfig(
    {
      DATABASE_URL: optional(requiredUrl(['postgres', 'postgresql'], 'postgres://agentry:secret@db.example:5432/agentry')),
      NATS_URL: optional(requiredUrl(['nats'], 'nats://nats.example:4222')),
      AGENTRY_SECRET_KEY: optional(key256()),
      AGENTRY_BOOTSTRAP_API_KEY: optionalString(API_KEY_PATTERN, API_KEY_RULE),
      PORT: listenPort(3000),
      HOST: host(),
      LOG_LEVEL: logLevel(),
      // The launcher's output is for a person (lines prefixed by service): readable text unless JSON is asked for.
      LOG_FORMAT: oneOf(['pretty', 'json'], 'pretty'),
      AGENTRY_DATA_DIR: withDefault(path.join(REPO_ROOT, '.agentry')),
      // The executor's; read here so the launcher can default it into the data folder (the executor validates it).
      AGENTRY_STORAGE_DIR: optionalString(/^\S/, 'must be a folder path'),
    },
    env,
  );
  return {
    databaseUrl: c.DATABASE_URL,
    natsUrl: c.NATS_URL,
    // Passed on as given (validated above): the registry parses it again.
    secretKey: c.AGENTRY_SECRET_KEY === undefined ? undefined : env.AGENTRY_SECRET_KEY,
    bootstrapApiKey: c.AGENTRY_BOOTSTRAP_API_KEY,
    port: c.PORT,
    host: c.HOST ?? '127.0.0.1',
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT,
    dataDir: path.resolve(c.AGENTRY_DATA_DIR),
    storageDir: c.AGENTRY_STORAGE_DIR,
  };
}
