import { DomainError, ErrorCode } from '@agentry/contracts';
import { scheduleSpecOf } from '@agentry/schedules';
import { parseSaveInput } from './parse-save-input.js';
import { applyPatch, defaultSettings } from './settings.js';

function fieldErrors(fields: Record<string, unknown>) {
  try {
    parseSaveInput(fields);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
    return (e as DomainError).fields ?? [];
  }
  throw new Error(`expected ${JSON.stringify(fields)} to be refused`);
}

describe('parseSaveInput: every v2 field', () => {
  it('accepts a full, valid payload and keeps only what was sent in the patch', () => {
    const parsed = parseSaveInput({
      id: '12',
      org: 3,
      scriptId: '7',
      script: 'scraper.js',
      branch: 'main',
      environment: 'release',
      name: '  My agent ',
      argument: '{"query":"x"}',
      agentObject: { seen: 1 },
      executionTimeLimit: 600,
      maxParallelExecs: 2,
      maxRetryNumber: 3,
      fileMgmt: 'mix',
      fileMgmtMaxFolders: 10,
      launchType: 'repeatedly',
      repeatedLaunchPreset: 'once per hour',
      repeatedLaunchTimes: { minute: [5], hour: [1], timezone: 'Europe/Paris' },
      launchAfterAgentId: 4,
      masterAgentLaunchOnExitCodes: [1, 0, 1],
      masterAgentLaunchAfter: 60,
      notifications: { mailAutomaticExitError: true, webhook: 'https://hooks.example.com/x' },
      proxyType: 'http',
      proxyAddress: 'http://proxy:8080',
      proxyUsername: 'bob',
      proxyPassword: 'hunter2',
      squidLeaseIdentifier: { lease: 'a' },
      expireAt: 1_900_000_000_000,
      applyScriptManifestDefaultSettings: true,
      userCustomMetadata: { team: 'growth', n: 1 },
      internalMetadata: { x: null },
      wasSetupValidWhenSubmittedByTheFrontend: true,
      shouldPropagateUpdatedSettingsToWorkersRegardlessOfSessionType: false,
      baseUrl: 'https://shop.example.com',
      content: 'Check prices',
      schedule: { mode: 'SCHEDULED', rateMinutes: 60 },
      credentials: { username: 'u', password: 'p' },
      tags: [3, 1, 3],
      stage: 'released',
      description: 'desc',
      status: 'active',
      createdAt: 1,
    });
    expect(parsed.id).toBe(12);
    expect(parsed.org).toBe(3);
    expect(parsed.script).toEqual({ id: 7, name: 'scraper.js' });
    expect(parsed.agentObject).toBe('{"seen":1}');
    expect(parsed.secrets).toEqual({ proxyPassword: 'hunter2', credentials: '{"username":"u","password":"p"}' });
    expect(parsed.patch).toMatchObject({
      name: 'My agent',
      argument: { query: 'x' },
      maxParallelism: 2,
      masterAgentLaunchOnExitCodes: [0, 1],
      repeatedLaunchPreset: 'Once per hour',
      repeatedLaunchTimes: { minute: [0], simplePreset: 'Once per hour', timezone: 'Europe/Paris', isSimplePresetEnabled: true },
      tags: [1, 3],
      schedule: { kind: 'rate', rateMinutes: 60 },
    });
    expect(parsed.patch).not.toHaveProperty('proxyPassword');
    expect(parsed.patch).not.toHaveProperty('credentials');
    expect(parsed.patch).not.toHaveProperty('status');
  });

  it('a partial payload only patches what it names', () => {
    const parsed = parseSaveInput({ id: 5, description: null });
    expect(parsed.patch).toEqual({ description: null });
    expect(parsed.script).toBeUndefined();
    expect(parsed.secrets).toEqual({});
    expect(parsed.agentObject).toBeUndefined();
  });

  it('argument keeps the user JSON (object, array or scalar) or parses JSON text', () => {
    expect(parseSaveInput({ argument: [1, 'a'] }).patch.argument).toEqual([1, 'a']);
    expect(parseSaveInput({ argument: '"plain"' }).patch.argument).toBe('plain');
    expect(parseSaveInput({ argument: null }).patch.argument).toBeNull();
  });

  it("is type-strict: text forms of numbers, booleans and lists are the gateway's to decode (save-field-text.ts)", () => {
    expect(fieldErrors({ executionTimeLimit: '30' })).toEqual([
      { field: 'executionTimeLimit', message: expect.stringMatching(/integer number of seconds between 1 and 86400/) },
    ]);
    expect(fieldErrors({ applyScriptManifestDefaultSettings: 'true' })[0]!.field).toBe('applyScriptManifestDefaultSettings');
    expect(fieldErrors({ tags: '1,2' })).toEqual([{ field: 'tags', message: 'must be an array' }]);
    expect(fieldErrors({ notifications: '{"slackManualExitError":true}' })).toEqual([{ field: 'notifications', message: 'must be a JSON object' }]);
    expect(fieldErrors({ maxParallelExecs: '3' })).toEqual([{ field: 'maxParallelism', message: expect.stringMatching(/between 1 and 100/) }]);
  });

  it.each([
    [{ id: 'abc' }, 'id', /positive integer id/],
    [{ id: 0 }, 'id', /positive integer id/],
    [{ org: -1 }, 'org', /positive integer id/],
    [{ scriptId: 1.5 }, 'scriptId', /positive integer id/],
    [{ script: '' }, 'script', /1 to 100/],
    [{ name: 'x'.repeat(101) }, 'name', /1 to 100/],
    [{ name: '   ' }, 'name', /non-empty/],
    [{ name: 42 }, 'name', /string/],
    [{ name: null }, 'name', /non-empty/],
    [{ branch: 5 }, 'branch', /string/],
    [{ environment: 'prod' }, 'environment', /"staging", "release"/],
    [{ argument: '{nope' }, 'argument', /valid JSON/],
    [{ agentObject: '[1]' }, 'agentObject', /JSON object/],
    [{ executionTimeLimit: 0 }, 'executionTimeLimit', /between 1 and 86400/],
    [{ executionTimeLimit: 86_401 }, 'executionTimeLimit', /between 1 and 86400/],
    [{ maxParallelism: 0 }, 'maxParallelism', /between 1 and 100/],
    [{ maxParallelism: 2.5 }, 'maxParallelism', /integer/],
    [{ maxRetryNumber: 11 }, 'maxRetryNumber', /between 0 and 10/],
    [{ fileMgmt: 'keep' }, 'fileMgmt', /"folders", "mix", "delete"/],
    [{ fileMgmtMaxFolders: 1001 }, 'fileMgmtMaxFolders', /between 1 and 1000/],
    [{ launchType: 'sometimes' }, 'launchType', /"manually", "repeatedly", "once", "after agent"/],
    [{ launchType: null }, 'launchType', /must not be null/],
    [{ launchOnceAt: 1_700_000_000 }, 'launchOnceAt', /Unix timestamp in milliseconds/],
    [{ launchAfterAgentId: 'x' }, 'launchAfterAgentId', /positive integer id/],
    [{ masterAgentLaunchOnExitCodes: 'some' }, 'masterAgentLaunchOnExitCodes', /array/],
    [{ masterAgentLaunchOnExitCodes: [256] }, 'masterAgentLaunchOnExitCodes', /between 0 and 255/],
    [{ masterAgentLaunchAfter: -1 }, 'masterAgentLaunchAfter', /between 0 and 86400/],
    [{ repeatedLaunchTimes: 'daily' }, 'repeatedLaunchTimes', /JSON object/],
    [{ repeatedLaunchPreset: 'Every second' }, 'repeatedLaunchPreset', /must be one of/],
    [{ notifications: { mailAutomaticExitError: 'yes' } }, 'notifications.mailAutomaticExitError', /boolean/],
    [{ notifications: { webhook: 'ftp://x' } }, 'notifications.webhook', /http\(s\) URL/],
    [{ notifications: { pager: true } }, 'notifications.pager', /not a notification setting/],
    [{ proxyType: 'socks' }, 'proxyType', /"none", "http", "pool", "squid lease"/],
    [{ proxyAddress: 'x'.repeat(501) }, 'proxyAddress', /500/],
    [{ proxyPassword: 123 }, 'proxyPassword', /string/],
    [{ squidLeaseIdentifier: [1] }, 'squidLeaseIdentifier', /JSON object/],
    [{ expireAt: 'soon' }, 'expireAt', /milliseconds/],
    [{ missedRunPolicy: 'burst' }, 'missedRunPolicy', /"skip", "runOnce"/],
    [{ idempotencyKey: '' }, 'idempotencyKey', /1 to 200/],
    [{ id: 3, idempotencyKey: 'k' }, 'idempotencyKey', /only accepted when creating/],
    [{ applyScriptManifestDefaultSettings: null }, 'applyScriptManifestDefaultSettings', /must not be null/],
    [{ userCustomMetadata: { deep: { x: 1 } } }, 'userCustomMetadata.deep', /flat/],
    [{ internalMetadata: 'x' }, 'internalMetadata', /JSON object/],
    [{ wasSetupValidWhenSubmittedByTheFrontend: 1 }, 'wasSetupValidWhenSubmittedByTheFrontend', /boolean/],
    [{ shouldPropagateUpdatedSettingsToWorkersRegardlessOfSessionType: 'no' }, 'shouldPropagateUpdatedSettingsToWorkersRegardlessOfSessionType', /boolean/],
    [{ baseUrl: 'example.com' }, 'baseUrl', /http\(s\) URL/],
    [{ content: 7 }, 'content', /string/],
    [{ schedule: { rateMinutes: 0 } }, 'schedule.rateMinutes', /between 1 and 1440/],
    [{ credentials: { password: 1 } }, 'credentials', /string values/],
    [{ credentials: 'nope' }, 'credentials', /JSON/],
    [{ tags: [0] }, 'tags', /tag ids/],
    [{ tags: 'x' }, 'tags', /array/],
    [{ stage: 'beta' }, 'stage', /"development", "released"/],
    [{ description: 'x'.repeat(2001) }, 'description', /2000/],
  ])('refuses %j naming the field', (input, field, message) => {
    expect(fieldErrors(input)).toContainEqual({ field, message: expect.stringMatching(message) });
  });

  it('reports every bad field at once', () => {
    expect(fieldErrors({ name: '', maxParallelism: 0, stage: 'x' }).map((f) => f.field)).toEqual(['name', 'maxParallelism', 'stage']);
  });

  it('never echoes secret values in errors', () => {
    const errors = fieldErrors({ proxyPassword: { secret: 'hunter2' }, credentials: { password: { nested: 'topsecret' } } });
    expect(JSON.stringify(errors)).not.toMatch(/hunter2|topsecret/);
  });
});

describe('parseSaveInput: a schedule decides the launch type unless one is sent', () => {
  const NOW = Date.UTC(2026, 0, 1);
  /** What the scheduler would plan for a new agent saved with these fields (null: it never fires). */
  const planned = (fields: Record<string, unknown>) => scheduleSpecOf(applyPatch(defaultSettings('a'), parseSaveInput(fields).patch), NOW);

  it('a recurring schedule without launchType makes the agent "repeatedly", so it fires (it stayed "manually" and never ran)', () => {
    expect(parseSaveInput({ schedule: { rateMinutes: 1 } }).patch.launchType).toBe('repeatedly');
    expect(planned({ name: 'a', schedule: { rateMinutes: 1 } })).toEqual({ kind: 'rate', rateMinutes: 1, anchor: NOW });
    expect(planned({ name: 'a', schedule: { cronExpression: 'cron(0 9 * * ? *)' } })).toMatchObject({ kind: 'cron' });
  });

  it('mode "ONCE" makes it "once"; times [] makes it "manually"', () => {
    expect(parseSaveInput({ schedule: { mode: 'ONCE', at: '2026-06-15T14:30' } }).patch.launchType).toBe('once');
    expect(parseSaveInput({ schedule: { times: [] } }).patch.launchType).toBe('manually');
  });

  it('no schedule, or schedule cleared: the launch type is left as it is', () => {
    expect(parseSaveInput({ name: 'a' }).patch).not.toHaveProperty('launchType');
    expect(parseSaveInput({ schedule: null }).patch).not.toHaveProperty('launchType');
  });

  it('a launch type sent beside a schedule it would silence is refused, naming launchType', () => {
    expect(fieldErrors({ schedule: { rateMinutes: 1 }, launchType: 'manually' })).toEqual([
      {
        field: 'launchType',
        message: expect.stringMatching(/^is "manually" but "schedule" is a recurring schedule.*send launchType "repeatedly" or leave launchType out$/),
      },
    ]);
    expect(fieldErrors({ schedule: { mode: 'ONCE', at: '2026-06-15T14:30' }, launchType: 'after agent', launchAfterAgentId: 2 })[0]).toMatchObject({
      field: 'launchType',
    });
    expect(fieldErrors({ schedule: { times: [] }, launchType: 'repeatedly' })[0]).toMatchObject({ field: 'launchType' });
  });

  it('a launch type that agrees with the schedule is kept; "after agent" may go with a manual-only schedule', () => {
    expect(parseSaveInput({ schedule: { rateMinutes: 5 }, launchType: 'repeatedly' }).patch.launchType).toBe('repeatedly');
    expect(parseSaveInput({ schedule: { times: [] }, launchType: 'after agent', launchAfterAgentId: 2 }).patch.launchType).toBe('after agent');
  });
});

describe('parseSaveInput: no setting accepted that would have no effect', () => {
  it.each(['pool', 'squid lease'])('proxyType "%s" is refused: no such proxies here, runs would go out with none', (proxyType) => {
    expect(fieldErrors({ proxyType, proxyAddress: 'p', squidLeaseIdentifier: { a: 1 } })).toEqual([
      {
        field: 'proxyType',
        message: expect.stringMatching(/which this platform does not provide, so runs would go out with no proxy: use "http" with proxyAddress, or "none"$/),
      },
    ]);
  });

  it('proxyType "http" and "none" are kept (control)', () => {
    expect(parseSaveInput({ proxyType: 'http', proxyAddress: 'http://proxy:8080' }).patch.proxyType).toBe('http');
    expect(parseSaveInput({ proxyType: 'none' }).patch.proxyType).toBe('none');
  });
});
