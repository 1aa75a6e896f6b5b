import { DomainError, ErrorCode, ScriptEventType } from '@agentry/contracts';
import { decideCreate, decideDelete, decideUpdate, type DecisionContext } from './decisions.js';
import { foldNameHolder } from './name-claim.js';
import { parseSaveCommand } from './save-command.js';
import { foldScript, type DomainEvent } from './script.js';

const ctx = (now: number, orgId = 7): DecisionContext => ({ orgId, by: { userId: 1, keyId: 2 }, now });

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as DomainError).code;
  }
  throw new Error('expected an error');
}

function created(): DomainEvent[] {
  const { saved } = decideCreate(40, parseSaveCommand({ name: 'nice_agent.coffee', text: 'v1', source: 'sdk' }), ctx(1000));
  return [saved];
}

test('create: nonce 1, claim of the name, default source api', () => {
  const { claim, saved } = decideCreate(41, parseSaveCommand({ name: 'a.js', text: 'hello' }), ctx(5000));
  expect(claim).toEqual({ type: ScriptEventType.nameClaimed, data: { orgId: 7, name: 'a.js', scriptId: 41 } });
  expect(saved.data).toEqual({
    scriptId: 41,
    orgId: 7,
    name: 'a.js',
    text: 'hello',
    source: 'api',
    nonce: 1,
    savedAt: 5000,
    createdAt: 5000,
    savedBy: { userId: 1, keyId: 2 },
  });
});

test('create without text names the text field', () => {
  try {
    decideCreate(1, parseSaveCommand({ name: 'a.js' }), ctx(1));
    throw new Error('expected an error');
  } catch (e) {
    expect((e as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((e as DomainError).fields).toEqual([{ field: 'text', message: 'is required to create a script' }]);
  }
});

test('update: nonce +1, new lastSaveDate, absent text and source keep theirs', () => {
  const state = foldScript(created())!;
  const first = decideUpdate(state, parseSaveCommand({ name: 'nice_agent.coffee', text: 'v2' }), ctx(2000));
  expect(first.data).toMatchObject({ scriptId: 40, text: 'v2', source: 'sdk', nonce: 2, savedAt: 2000, createdAt: 1000 });

  const afterFirst = foldScript([...created(), first])!;
  const second = decideUpdate(afterFirst, parseSaveCommand({ name: 'nice_agent.coffee', source: 'web' }), ctx(3000));
  expect(second.data).toMatchObject({ text: 'v2', source: 'web', nonce: 3, savedAt: 3000 });
});

test('update with insertOnly is refused as ALREADY_EXISTS', () => {
  const state = foldScript(created())!;
  expect(codeOf(() => decideUpdate(state, parseSaveCommand({ name: 'nice_agent.coffee', text: 'x', insertOnly: true }), ctx(2)))).toBe(
    ErrorCode.ALREADY_EXISTS,
  );
});

test("another org's script, or a deleted one, is not found", () => {
  const state = foldScript(created())!;
  expect(codeOf(() => decideUpdate(state, parseSaveCommand({ name: 'nice_agent.coffee', text: 'x' }), ctx(2, 8)))).toBe(ErrorCode.NOT_FOUND);
  expect(codeOf(() => decideDelete(state, ctx(2, 8)))).toBe(ErrorCode.NOT_FOUND);
  expect(codeOf(() => decideDelete(null, ctx(2)))).toBe(ErrorCode.NOT_FOUND);

  const { deleted } = decideDelete(state, ctx(2));
  const gone = foldScript([...created(), deleted]);
  expect(gone?.deleted).toBe(true);
  expect(codeOf(() => decideDelete(gone, ctx(3)))).toBe(ErrorCode.NOT_FOUND);
});

test('delete releases the name; a later create claims it again', () => {
  const { claim } = decideCreate(40, parseSaveCommand({ name: 'a.js', text: '' }), ctx(1));
  const { released } = decideDelete(foldScript(created()), ctx(2));
  expect(foldNameHolder([])).toBeNull();
  expect(foldNameHolder([claim])).toBe(40);
  expect(foldNameHolder([claim, released])).toBeNull();
  const again = decideCreate(55, parseSaveCommand({ name: 'a.js', text: '' }), ctx(3)).claim;
  expect(foldNameHolder([claim, released, again])).toBe(55);
});
