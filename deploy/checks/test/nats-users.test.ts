// users.conf (ConfigMap nats-config) is what generate-users.mjs writes from the permission map
// (libs/contracts/src/nats-permissions.ts): a map change without regenerating it fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NATS_USERS } from '@agentry/contracts';
import { natsUsersConf } from '../../k8s/base/nats/generate-users.mjs';
import { K8S_DIR } from '../src/render.js';

test('the shipped users.conf is generated from the NATS permission map (run deploy/k8s/base/nats/generate-users.mjs after changing it)', () => {
  expect(readFileSync(join(K8S_DIR, 'base/nats/users.conf'), 'utf8')).toBe(natsUsersConf());
});

test('every user of the map takes its password from its own file of the Secret nats-auth, never from the ConfigMap', () => {
  const conf = natsUsersConf();
  for (const user of NATS_USERS) expect(conf).toContain(`user: "${user}"\n      include "../auth/${user}.conf"`);
  expect(conf).not.toMatch(/password\s*:/);
});

test("the read-only 'subscriber' login: its password from nats-auth, LIFECYCLE consumers only (no service subject, no event stream write)", () => {
  const conf = natsUsersConf();
  expect(conf).toContain('user: "subscriber"\n      include "../auth/subscriber.conf"');
  const block = conf.slice(conf.indexOf('user: "subscriber"'));
  const publish = block.slice(block.indexOf('publish:'), block.indexOf('subscribe: {'));
  expect(publish).toContain('$JS.API.CONSUMER.MSG.NEXT.LIFECYCLE.*');
  expect(publish).not.toMatch(/registry\.|executor\.|EVENTS|STREAM\.CREATE|agentry\.events/);
});
