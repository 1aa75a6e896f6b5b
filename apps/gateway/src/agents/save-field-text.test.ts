import { DomainError, ErrorCode } from '@agentry/contracts';
import { decodeSaveFields, NOT_JSON } from './save-field-text.js';

const allText = (fields: Record<string, string>) => decodeSaveFields(fields, Object.keys(fields));

function refusal(fields: Record<string, string>) {
  try {
    allText(fields);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
    return (e as DomainError).fields;
  }
  throw new Error(`expected ${JSON.stringify(fields)} to be refused`);
}

describe('decodeSaveFields: query-string and form text becomes what a JSON body carries', () => {
  test('numbers, booleans, lists and JSON objects are decoded from their text; other fields stay text', () => {
    expect(
      allText({
        executionTimeLimit: '30',
        maxParallelExecs: '3',
        applyScriptManifestDefaultSettings: 'true',
        wasSetupValidWhenSubmittedByTheFrontend: '0',
        tags: '1, 2',
        masterAgentLaunchOnExitCodes: '[0,1]',
        notifications: '{"slackManualExitError":true}',
        name: '42',
        id: '12',
        description: '',
        argument: '{"q":"shoes"}',
      }),
    ).toEqual({
      executionTimeLimit: 30,
      maxParallelExecs: 3,
      applyScriptManifestDefaultSettings: true,
      wasSetupValidWhenSubmittedByTheFrontend: false,
      tags: ['1', '2'],
      masterAgentLaunchOnExitCodes: [0, 1],
      notifications: { slackManualExitError: true },
      name: '42',
      id: '12',
      description: '',
      // The registry parses JSON text of the argument for every client: decoding it here would parse it twice.
      argument: '{"q":"shoes"}',
    });
  });

  test('an empty text value clears a typed field (null), and "all" exit codes stay "all"', () => {
    expect(allText({ executionTimeLimit: '', tags: '', notifications: '', argument: '', credentials: '', masterAgentLaunchOnExitCodes: 'all' })).toEqual({
      executionTimeLimit: null,
      tags: null,
      notifications: null,
      argument: null,
      credentials: null,
      masterAgentLaunchOnExitCodes: 'all',
    });
  });

  test('text that does not decode is passed on as sent, for the registry to refuse in its own words', () => {
    expect(allText({ executionTimeLimit: 'soon', maxRetryNumber: ' ', applyScriptManifestDefaultSettings: 'yes', tags: '[1,' })).toEqual({
      executionTimeLimit: 'soon',
      maxRetryNumber: ' ',
      applyScriptManifestDefaultSettings: 'yes',
      tags: '[1,',
    });
  });

  test('only the fields named as text are decoded (a JSON body keeps its types; its query-string fields are text)', () => {
    expect(decodeSaveFields({ maxParallelExecs: '3', executionTimeLimit: '60', tags: [1] }, ['maxParallelExecs'])).toEqual({
      maxParallelExecs: 3,
      executionTimeLimit: '60',
      tags: [1],
    });
  });

  test("an object field whose text is not JSON is a 400 naming it, with the registry's words", () => {
    expect(refusal({ notifications: '{oops', userCustomMetadata: '{"a":1}', repeatedLaunchTimes: 'x' })).toEqual([
      { field: 'notifications', message: NOT_JSON },
      { field: 'repeatedLaunchTimes', message: NOT_JSON },
    ]);
  });

  test('hostile: JSON text nested 100,000 deep is refused before parsing; odd field names are left alone', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(refusal({ tags: deep })).toEqual([{ field: 'tags', message: 'nests deeper than 100 levels' }]);
    expect(refusal({ internalMetadata: `{"a":${deep}}` })).toEqual([{ field: 'internalMetadata', message: 'nests deeper than 100 levels' }]);
    const odd = JSON.parse('{"__proto__":"1","constructor":"2","toString":"3"}') as Record<string, string>;
    const decoded = allText(odd);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded).sort()).toEqual(['__proto__', 'constructor', 'toString']);
  });
});
