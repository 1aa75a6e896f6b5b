import { NATS_USERS, NatsDurables, NatsUserGrants, natsInboxPrefix, natsPermissionsOf } from './nats-permissions.js';
import { Subjects } from './subjects.js';

test('the gateway publishes only public request subjects: no JetStream, stream, KV, live output or inbox', () => {
  const { publish, subscribe } = natsPermissionsOf('gateway');
  expect(publish.filter((s) => /^(\$JS|\$KV|_INBOX|events\.|launches\.|console\.|live\.|executor\.broadcast)/.test(s))).toEqual([]);
  expect(publish).not.toContain(Subjects.internal.agentLaunchSnapshot);
  expect(subscribe).toEqual(['live.container.*', '_INBOX.gateway.>']);
});

test('each user reads only its own inbox; only services that answer requests may publish to inboxes', () => {
  for (const user of NATS_USERS) {
    const { publish, subscribe } = natsPermissionsOf(user);
    expect(subscribe.filter((s) => s.startsWith('_INBOX'))).toEqual([`${natsInboxPrefix(user)}.>`]);
    expect(publish.includes('_INBOX.>')).toBe((NatsUserGrants[user].serves ?? []).length > 0);
  }
});

test('each durable consumer is pulled from by exactly one user', () => {
  for (const durable of Object.values(NatsDurables)) {
    const pullers = NATS_USERS.filter((user) => natsPermissionsOf(user).publish.some((s) => s.startsWith('$JS.API.CONSUMER.MSG.NEXT.') && s.endsWith(`.${durable}`)));
    expect([durable, pullers.length]).toEqual([durable, 1]);
  }
});

test('nobody may delete or purge a stream or a consumer, and no grant is a bare wildcard', () => {
  for (const user of NATS_USERS) {
    const { publish, subscribe } = natsPermissionsOf(user);
    expect(publish.filter((s) => /\.(DELETE|PURGE)\./.test(s) || s.includes('.MSG.DELETE'))).toEqual([]);
    expect([...publish, ...subscribe].filter((s) => s === '>' || s.startsWith('*') || s === '$JS.API.>')).toEqual([]);
  }
});
