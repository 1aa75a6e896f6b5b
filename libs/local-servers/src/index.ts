export { freePort } from './free-port.js';
export type { RunningServer } from './running-server.js';
export { startNatsCluster, type NatsClusterNode, type RunningNatsCluster } from './nats-cluster.js';
export { startEmbeddedPostgres, type EmbeddedPostgresOptions } from './postgres.js';
export {
  ensureNatsServerBinary,
  natsUrlWithLogin,
  renderNatsAuthorization,
  startNatsServer,
  type NatsAuthorization,
  type NatsPermissionsConfig,
  type NatsUserLogin,
  type NatsUserEntry,
  type RunningNatsServer,
} from './nats.js';
