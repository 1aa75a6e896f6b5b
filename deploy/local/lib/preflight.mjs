/** Checks made before anything starts, each answering what to do instead. */
import net from 'node:net';
import { unreachableExistingCluster } from './data-dir.mjs';

/** Tries to listen where the gateway will; answers a problem when that is impossible. */
function portProblem(host, port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error) => {
      const hints = {
        EADDRINUSE: `PORT ${port} is already in use on ${host}: stop what uses it, or set PORT to a free port (e.g. PORT=${port + 1})`,
        EACCES: `PORT ${port} needs privileges on this machine: set PORT to 1024 or above (e.g. PORT=3000)`,
        EADDRNOTAVAIL: `HOST ${host} is not an address of this machine: set HOST=127.0.0.1 (or 0.0.0.0 for every interface)`,
        ENOTFOUND: `HOST ${host} cannot be resolved: set HOST=127.0.0.1 (or 0.0.0.0 for every interface)`,
      };
      resolve(hints[error.code] ?? `cannot listen on ${host}:${port} (${error.message}): set HOST / PORT`);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

export async function preflightProblems(config) {
  const problems = [];
  const busy = await portProblem(config.host, config.port);
  if (busy) problems.push(busy);
  if (!config.databaseUrl) {
    // A new cluster is placed where Postgres can reach it (postgresClusterDir); an existing one is never moved for the user.
    const blocked = await unreachableExistingCluster(config.dataDir);
    if (blocked) {
      problems.push(
        `embedded Postgres runs as the user "postgres" when started by root, and it cannot enter ${blocked}, above the existing cluster in ` +
          `${config.dataDir}/postgres: move that folder to /var/lib/agentry/clusters/ and leave a symbolic link to it in its place, ` +
          'set AGENTRY_DATA_DIR to a folder it can reach, or DATABASE_URL to an existing server',
      );
    }
  }
  return problems;
}
