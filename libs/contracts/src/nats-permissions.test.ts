import { NATS_USERS, NatsDurables, NatsUserGrants, lifecycleSubscriberPermissions, natsInboxPrefix, natsPermissionsOf } from './nats-permissions.js';
import { Subjects } from './subjects.js';

test('the gateway publishes only public request subjects: no stream, KV, live output or inbox; of JetStream only reading LIFECYCLE messages', () => {
  const { publish, subscribe } = natsPermissionsOf('gateway');
  expect(publish.filter((s) => /^(\$JS|\$KV|_INBOX|events\.|launches\.|console\.|live\.|executor\.broadcast|agentry\.)/.test(s))).toEqual([
    '$JS.API.INFO',
    '$JS.API.STREAM.MSG.GET.LIFECYCLE',
  ]);
  expect(publish).not.toContain(Subjects.internal.agentLaunchSnapshot);
  expect(subscribe).toEqual([
    'live.container.*',
    'agentry.events.v1.>',
    'auth.broadcast.keys-invalidated',
    // The relayed events that change a cached agent read (exact subjects, no wildcard over EVENTS).
    'events.agent.AgentVersionSaved',
    'events.agent.AgentObjectSaved',
    'events.agent.AgentRetired',
    'events.agent.AgentReinstated',
    'events.agent.AgentDeleted',
    'events.container.ContainerQueued',
    'events.container.ContainerStarted',
    'events.container.ContainerEnded',
    'events.script.ScriptSaved',
    'events.script.ScriptDeleted',
    '_INBOX.gateway.>',
  ]);
});

test('only the registry tells gateways to drop verified keys; a gateway hears it but cannot send it', () => {
  const senders = NATS_USERS.filter((user) => natsPermissionsOf(user).publish.some((s) => s === 'auth.broadcast.keys-invalidated' || s === '>'));
  expect(senders).toEqual(['registry']);
});

test('a lifecycle subscriber only reads LIFECYCLE through consumers of its own: no publish, no other stream, no request', () => {
  const { publish, subscribe } = lifecycleSubscriberPermissions('acme');
  expect(
    publish.filter((s) => !/^\$JS\.(API\.(INFO|STREAM\.INFO\.LIFECYCLE|CONSUMER\.[A-Z.]+\.LIFECYCLE\.\*(\.>)?)|ACK\.(\*\.\*\.)?LIFECYCLE\.\*\.>)$/.test(s)),
  ).toEqual([]);
  expect(publish.filter((s) => s.includes('EVENTS') || s.startsWith('agentry.') || /DELETE|PURGE|MSG\.GET/.test(s))).toEqual([]);
  expect(subscribe).toEqual(['_INBOX.acme.>']);
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
    const pullers = NATS_USERS.filter((user) =>
      natsPermissionsOf(user).publish.some((s) => s.startsWith('$JS.API.CONSUMER.MSG.NEXT.') && s.endsWith(`.${durable}`)),
    );
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
