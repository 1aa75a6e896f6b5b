import { randomBytes } from 'node:crypto';
import type { AgentLaunchSnapshot } from '@agentry/contracts';
import { CARRIED_SNAPSHOT_MAX_AGE_MS, CARRIED_SNAPSHOT_MAX_BYTES, SnapshotSeal } from './carried-snapshot.js';

const snapshotOf = (scriptText: string): AgentLaunchSnapshot =>
  ({
    agent: { id: 7, orgId: 3 },
    version: { versionId: 'v-1', versionNumber: 1, settings: {}, secrets: {} },
    script: { id: 1, name: 'a.js', text: scriptText },
    org: { maxRunningContainers: 4 },
    dependencies: { libraries: [], problem: null },
  }) as unknown as AgentLaunchSnapshot;

const key = randomBytes(32);
const seal = new SnapshotSeal(key);
const expected = { agentId: 7, orgId: 3, versionId: 'v-1' };
const now = 1_800_000_000_000;

test('a snapshot sealed for a container opens for it, as it was sealed (the control of the refusals below)', () => {
  const carried = seal.seal(42, snapshotOf('console.log(1)'), now)!;
  expect(seal.open(42, carried, expected, now + 10)).toEqual(snapshotOf('console.log(1)'));
  // Another replica with the same AGENTRY_SECRET_KEY opens it too.
  expect(new SnapshotSeal(Buffer.from(key)).open(42, carried, expected, now)).not.toBeNull();
});

test('a message whose snapshot was altered (the script swapped) is not trusted', () => {
  const carried = seal.seal(42, snapshotOf('console.log(1)'), now)!;
  const altered = { ...carried, json: carried.json.replace('console.log(1)', 'require("child_process").execSync("id")') };
  expect(seal.open(42, altered, expected, now)).toBeNull();
  expect(seal.open(42, { ...carried, mac: carried.mac.slice(0, -2) }, expected, now)).toBeNull();
  expect(seal.open(42, { ...carried, mac: '' }, expected, now)).toBeNull();
});

test("a snapshot sealed for one container does not start another (a message's snapshot copied onto another container id)", () => {
  const carried = seal.seal(42, snapshotOf('console.log(1)'), now)!;
  expect(seal.open(43, carried, expected, now)).toBeNull();
});

test('a snapshot sealed with another key (a forger without AGENTRY_SECRET_KEY) is not trusted', () => {
  const forged = new SnapshotSeal(randomBytes(32)).seal(42, snapshotOf('console.log(1)'), now)!;
  expect(seal.open(42, forged, expected, now)).toBeNull();
});

test('a snapshot older (or newer, another clock) than CARRIED_SNAPSHOT_MAX_AGE_MS is not used, even when its time was rewritten', () => {
  const carried = seal.seal(42, snapshotOf('x'), now)!;
  expect(seal.open(42, carried, expected, now + CARRIED_SNAPSHOT_MAX_AGE_MS)).not.toBeNull();
  expect(seal.open(42, carried, expected, now + CARRIED_SNAPSHOT_MAX_AGE_MS + 1)).toBeNull();
  expect(seal.open(42, carried, expected, now - CARRIED_SNAPSHOT_MAX_AGE_MS - 1)).toBeNull();
  // Making an old one look fresh breaks its MAC.
  expect(seal.open(42, { ...carried, takenAt: now + CARRIED_SNAPSHOT_MAX_AGE_MS }, expected, now + CARRIED_SNAPSHOT_MAX_AGE_MS + 1)).toBeNull();
});

test("a snapshot of another agent, org or version than the container's stream records is not used", () => {
  const carried = seal.seal(42, snapshotOf('x'), now)!;
  expect(seal.open(42, carried, { ...expected, agentId: 8 }, now)).toBeNull();
  expect(seal.open(42, carried, { ...expected, orgId: 4 }, now)).toBeNull();
  expect(seal.open(42, carried, { ...expected, versionId: 'v-2' }, now)).toBeNull();
  expect(seal.open(42, carried, { ...expected, versionId: null }, now)).toBeNull();
});

test('garbage in the message is refused without throwing', () => {
  for (const junk of [
    undefined,
    null,
    'x',
    1,
    [],
    {},
    { json: 1, takenAt: now, mac: 'a' },
    { json: '{', takenAt: now, mac: 'a' },
    { json: '{}', takenAt: 'now', mac: 'a' },
  ]) {
    expect(seal.open(42, junk, expected, now)).toBeNull();
  }
  // Validly sealed, but not a snapshot.
  for (const json of ['null', '{}', '[]', '"text"']) {
    const carried = seal.seal(42, JSON.parse(json) as AgentLaunchSnapshot, now)!;
    expect(seal.open(42, carried, expected, now)).toBeNull();
  }
});

test('a snapshot over CARRIED_SNAPSHOT_MAX_BYTES is not carried (the worker asks for it)', () => {
  expect(seal.seal(42, snapshotOf('x'.repeat(CARRIED_SNAPSHOT_MAX_BYTES)), now)).toBeUndefined();
});
