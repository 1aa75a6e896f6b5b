import type { ParkedEvent, ParkedEvents } from './parked-events.js';

export const PARKED_USAGE = `usage: npm run parked -- <command>
  list [consumer]   parked events (all consumers, or one), oldest first
  replay <id>       asks the consumer that parked it to try it again (done on its next poll, within seconds;
                    on success the event leaves this list, on failure its attempts and reason are updated)
  drop <id>         gives up on it for good (the event itself stays in the log)`;

const line = (p: ParkedEvent): string =>
  [
    `#${p.id}`,
    p.consumer,
    `event ${p.eventId}`,
    p.eventType,
    p.streamId,
    `position ${p.globalPosition}`,
    `attempts ${p.attempts}`,
    `parked ${p.parkedAt.toISOString()}`,
    ...(p.replayRequestedAt ? ['replay requested'] : []),
    `reason: ${p.reason}`,
  ].join('  ');

const parseId = (raw: string | undefined): number | null => (raw && /^\d{1,15}$/.test(raw) ? Number(raw) : null);

/**
 * `npm run parked -- list|replay <id>|drop <id>`: what an operator does with parked events. Answers the
 * process exit code; writes to `out` (one parked event per line, never its payload).
 */
export async function parkedCommand(args: string[], parked: ParkedEvents, out: (text: string) => void): Promise<number> {
  const [command, arg] = args;
  switch (command) {
    case 'list': {
      const rows = await parked.list(arg);
      if (rows.length === 0) out(arg ? `no parked events for ${arg}` : 'no parked events');
      const perConsumer = new Map<string, number>();
      for (const row of rows) {
        out(line(row));
        perConsumer.set(row.consumer, (perConsumer.get(row.consumer) ?? 0) + 1);
      }
      for (const [consumer, count] of perConsumer) out(`${consumer}: ${count} parked`);
      return 0;
    }
    case 'replay':
    case 'drop': {
      const id = parseId(arg);
      if (id === null) {
        out(`${command} needs the id of a parked event (the #number in the list)\n${PARKED_USAGE}`);
        return 2;
      }
      const done = command === 'replay' ? await parked.requestReplay(id) : await parked.drop(id);
      if (!done) {
        out(`no parked event #${id}`);
        return 1;
      }
      out(command === 'replay' ? `replay of #${id} requested: its consumer retries it within seconds (see list)` : `#${id} dropped`);
      return 0;
    }
    default:
      out(PARKED_USAGE);
      return command === undefined || command === 'help' ? 0 : 2;
  }
}
