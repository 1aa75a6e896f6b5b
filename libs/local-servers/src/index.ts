export { freePort } from './free-port.js';
export type { RunningServer } from './running-server.js';
export { startEmbeddedPostgres, type EmbeddedPostgresOptions } from './postgres.js';
export { ensureNatsServerBinary, startNatsServer, type NatsAuth } from './nats.js';
