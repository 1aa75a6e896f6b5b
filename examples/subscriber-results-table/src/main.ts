import { startResultsTable } from './results-table.js';

const natsUrl = process.env.NATS_URL;
const databaseUrl = process.env.DATABASE_URL;
if (!natsUrl || !databaseUrl) {
  console.error('Set NATS_URL (a login allowed to read LIFECYCLE) and DATABASE_URL (where run_results goes); ORGS optionally (comma-separated org ids).');
  process.exit(2);
}
const running = await startResultsTable({ natsUrl, databaseUrl, orgs: process.env.ORGS ? process.env.ORGS.split(',') : undefined });
console.log('copying finished runs\u2019 result objects into run_results');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void running.stop().then(() => process.exit(0)));
