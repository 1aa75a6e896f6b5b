// A stand-in for the executor on Subjects.executor.launch: answers every launch with {containerId, queuedAt}
// in the NestJS NATS packet format the scheduler's RpcClient expects, and records when each scheduled
// launch arrived (the planned fire time is in its idempotency key, `schedule:<agentId>:<plannedAt>`).
import { connect } from '@nats-io/transport-node';

const LAUNCH_SUBJECT = 'executor.containers.launch';

export async function startStubExecutor(natsUrl) {
  const nc = await connect({ servers: natsUrl.replace(/^nats:\/\//, '') });
  /** One { key, plannedAt, receivedAt } per launch request, in arrival order. */
  const arrivals = [];
  let containerId = 0;
  nc.subscribe(LAUNCH_SUBJECT, {
    callback(error, msg) {
      if (error) return;
      const receivedAt = Date.now();
      const { id, data } = JSON.parse(msg.string());
      const match = /^schedule:\d+:(\d+)$/.exec(data.params.idempotencyKey ?? '');
      if (match) arrivals.push({ key: data.params.idempotencyKey, plannedAt: Number(match[1]), receivedAt });
      msg.respond(JSON.stringify({ id, response: { ok: true, data: { containerId: ++containerId, queuedAt: receivedAt } }, isDisposed: true }));
    },
  });
  return { arrivals, close: () => nc.drain() };
}
