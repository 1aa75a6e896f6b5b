import { ErrorCode } from '@agentry/contracts';
import { maxEventBytes } from '@agentry/event-store';
import { OrgWriteUsage } from './runs/org-write-usage.js';
import type { ScriptWriteQuotas } from './runs/script-write-quotas.js';
import { startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

/**
 * A hostile script writes as much as it can through its runtime API. Each write is an event kept forever and
 * relayed to every subscriber: the quotas stop it (its promises reject with a quota message, the run goes on),
 * and a value too large for the event bus is refused with a message naming the limit.
 */
const QUOTAS: ScriptWriteQuotas = {
  runMaxMessages: 20,
  runMaxResultObjects: 10,
  runMaxObjectWrites: 15,
  runMaxWrittenBytes: 4 * 1024 * 1024,
  orgMaxWrittenBytes: 2 * 1024 * 1024,
  orgWindowSeconds: 3600,
};

const HAMMER = `
import { buster } from '@agentry/runtime';
const tally = { result: [0, 0], message: [0, 0], agentObject: [0, 0], globalObject: [0, 0] };
const refusals = {};
const attempt = async (kind, write) => {
  try {
    await write();
    tally[kind][0] += 1;
  } catch (error) {
    tally[kind][1] += 1;
    refusals[kind] ??= { code: error.code, message: error.message };
  }
};
// 260,000 backslashes: 520,000 bytes of JSON, within the 512 KiB result object limit, but over 1 MiB once that
// text is JSON-encoded again inside an event.
let oversized;
await buster.setResultObject({ s: '\\\\'.repeat(260000) }).catch((error) => (oversized = { code: error.code, message: error.message }));
// A NUL character Postgres cannot store: refused as bad input, not an internal error (and not charged).
let nul;
await buster.message('nul' + String.fromCharCode(0) + 'byte').catch((error) => (nul = { code: error.code, message: error.message }));
for (let i = 0; i < 300; i++) {
  await attempt('result', () => buster.setResultObject({ i }));
  await attempt('message', () => buster.message('m' + i));
  await attempt('agentObject', () => buster.setAgentObject({ i }));
  await attempt('globalObject', () => buster.setGlobalObject({ i }));
}
// Fired all at once, without awaiting one another: still no more than the quota.
await Promise.all(Array.from({ length: 50 }, (_, i) => attempt('message', () => buster.message('burst' + i))));
console.log('TALLY ' + JSON.stringify({ tally, refusals, oversized, nul }));
`;

/** Writes six global objects of 200 KiB; reports which were refused. */
const BIG_OBJECTS = `
import { buster } from '@agentry/runtime';
const outcomes = [];
for (let i = 0; i < 6; i++) {
  await buster.setGlobalObject({ blob: 'x'.repeat(200 * 1024), i }).then(() => outcomes.push('ok'), (e) => outcomes.push(e.code + ': ' + e.message));
}
console.log('OUTCOMES ' + JSON.stringify(outcomes));
`;

describe('what scripts write: quotas and the event size limit', () => {
  let bed: ExecutorTestbed;

  beforeAll(async () => {
    bed = await startExecutorTestbed({ config: { scriptWrites: QUOTAS } });
  });
  afterAll(async () => {
    await bed?.close();
  });

  const outputLine = async (containerId: number, prefix: string): Promise<any> => {
    const output = (await bed.durableOutput(containerId)).toString('utf8');
    const line = output.split('\n').find((l) => l.startsWith(prefix));
    if (!line) throw new Error(`no ${prefix} line in the output of container ${containerId}:\n${output}`);
    return JSON.parse(line.slice(prefix.length));
  };

  test('a script hammering setResultObject / message / setAgentObject / setGlobalObject is stopped by its run quotas; the run goes on and the log stays bounded', async () => {
    const agentId = await bed.agentWithScript(HAMMER);
    const { containerId } = await bed.launch({ agentId });
    const state = await bed.waitEnded(containerId, 60_000);
    expect(state.ended).toMatchObject({ status: 'complete', exitCode: 0 });
    const { tally, refusals, oversized, nul } = await outputLine(containerId, 'TALLY ');

    expect(tally.result).toEqual([10, 290]);
    expect(tally.message).toEqual([20, 330]);
    // Agent and global object writes share one quota.
    expect(tally.agentObject[0] + tally.globalObject[0]).toBe(15);
    expect(refusals.result).toEqual({
      code: ErrorCode.PLAN_LIMIT_REACHED,
      message: expect.stringMatching(/^Quota reached: at most 10 result objects per run\. The run goes on/),
    });
    expect(refusals.message.message).toMatch(/at most 20 messages per run/);
    expect(refusals.globalObject.message).toMatch(/at most 15 agent\/global object writes per run/);

    // The oversized result object was refused before it was stored, naming the field and the limit.
    expect(oversized.code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
    expect(oversized.message).toMatch(new RegExp(`^resultObject is too large: .* at most ${maxEventBytes(bed.dataSource)} bytes are accepted`));

    expect(nul).toEqual({ code: ErrorCode.VALIDATION_FAILED, message: expect.stringMatching(/^Invalid parameters: text \(must not contain NUL characters/) });

    const events = await bed.containerEvents(containerId);
    expect(events.filter((e) => e.type === 'ContainerResultObjectSet')).toHaveLength(10);
    const scriptMessages = events.filter((e) => e.type === 'ContainerMessageAdded' && /^(m|burst)\d+$/.test((e.data as { text: string }).text));
    expect(scriptMessages).toHaveLength(20);
    const [objectWrites] = await bed.dataSource.query(
      `SELECT count(*)::integer AS n FROM events WHERE type IN ('AgentObjectSaved', 'OrgGlobalObjectSaved') AND (data->>'agentId' = $1 OR stream_id = $2)`,
      [String(agentId), `org_object-${bed.actor.orgId}`],
    );
    expect(objectWrites.n).toBe(15);
  });

  test("an org's runs together stop at the org's byte quota for the window; another org is not affected", async () => {
    const org = await bed.newOrgActor();
    const first = await bed.launch({ agentId: await bed.agentWithScript(BIG_OBJECTS, {}, org) }, org);
    await bed.waitEnded(first.containerId);
    expect(await outputLine(first.containerId, 'OUTCOMES ')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);

    const second = await bed.launch({ agentId: await bed.agentWithScript(BIG_OBJECTS, {}, org) }, org);
    expect((await bed.waitEnded(second.containerId)).ended).toMatchObject({ status: 'complete', exitCode: 0 });
    const outcomes: string[] = await outputLine(second.containerId, 'OUTCOMES ');
    // 2 MiB per window: ten objects of ~200 KiB fit, the eleventh does not.
    expect(outcomes.slice(0, 4)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(outcomes.slice(4)).toEqual(
      [0, 1].map(() => expect.stringMatching(/^PLAN_LIMIT_REACHED: Quota reached: the org's scripts may write at most 2097152 bytes per 1 h/)),
    );
    const usage = new OrgWriteUsage(bed.dataSource);
    expect(await usage.current(org.orgId, 3600)).toBeLessThanOrEqual(QUOTAS.orgMaxWrittenBytes);

    const other = await bed.newOrgActor();
    const third = await bed.launch({ agentId: await bed.agentWithScript(BIG_OBJECTS, {}, other) }, other);
    await bed.waitEnded(third.containerId);
    expect(await outputLine(third.containerId, 'OUTCOMES ')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  });

  test('the org count is one statement: 40 writers racing for 1,000 bytes in 100-byte writes get exactly 10; a failed write gives its bytes back', async () => {
    const usage = new OrgWriteUsage(bed.dataSource);
    const orgId = 900_000_001;
    const results = await Promise.all(Array.from({ length: 40 }, () => usage.add(orgId, 100, 1000, 3600)));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await usage.current(orgId, 3600)).toBe(1000);
    await usage.giveBack(orgId, 100, 3600);
    expect(await usage.add(orgId, 100, 1000, 3600)).toBe(true);
    expect(await usage.add(orgId, 1, 1000, 3600)).toBe(false);
    // The next window starts from zero (and the org's old windows are forgotten).
    const nextHour = Date.now() + 3600 * 1000;
    expect(await usage.add(orgId, 1000, 1000, 3600, nextHour)).toBe(true);
    expect(await bed.dataSource.query(`SELECT count(*)::integer AS n FROM executor_org_write_usage WHERE org_id = $1`, [orgId])).toEqual([{ n: 1 }]);
  });
});
