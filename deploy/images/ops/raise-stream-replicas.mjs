// Raises every JetStream stream (KV buckets are streams too) that has fewer than
// STREAM_REPLICAS replicas to that number. The services create their streams with one replica
// and never lower it again (an update keeps the server's num_replicas), so on a NATS cluster this
// runs as the CronJob `nats-stream-replicas` (overlays/ha): streams a new version adds are
// raised within one period. Idempotent; exits 0 when every stream is at the target.
//
//   NATS_URL=nats://user:pass@nats:4222 STREAM_REPLICAS=3 node ops/raise-stream-replicas.mjs
//
// REQUIRED_STREAMS (comma-separated names): exit 1 while one of them does not exist yet (the
// services create them at their first start), so the Job is retried instead of passing early.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { natsConnectionOptions } from '@agentry/messaging';

const target = Number(process.env.STREAM_REPLICAS ?? '3');
if (!Number.isInteger(target) || target < 1 || target > 5) {
  console.error(`STREAM_REPLICAS must be a whole number from 1 to 5, got "${process.env.STREAM_REPLICAS}"`);
  process.exit(2);
}
if (!process.env.NATS_URL) {
  console.error('NATS_URL is required (e.g. nats://user:password@nats:4222)');
  process.exit(2);
}
const required = (process.env.REQUIRED_STREAMS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

const nc = await connect({ ...natsConnectionOptions(process.env.NATS_URL), name: 'raise-stream-replicas', timeout: 10_000 });
try {
  const jsm = await jetstreamManager(nc, { timeout: 30_000 });
  const seen = new Set();
  for await (const info of jsm.streams.list()) {
    const { name, num_replicas: replicas = 1 } = info.config;
    seen.add(name);
    if (replicas >= target) continue;
    await jsm.streams.update(name, { num_replicas: target });
    console.log(JSON.stringify({ level: 'info', message: 'stream replicas raised', stream: name, from: replicas, to: target }));
  }
  const missing = required.filter((name) => !seen.has(name));
  if (missing.length) {
    console.error(JSON.stringify({ level: 'error', message: 'streams not created yet (services not started?)', missing }));
    process.exitCode = 1;
  }
} finally {
  await nc.close();
}
