import { DomainError, ErrorCode, MAX_SCRIPT_TEXT_BYTES } from '@agentry/contracts';
import { parseSaveCommand, scriptNameProblem, sourceOnCreate } from './save-command.js';

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
    return ((e as DomainError).fields ?? []).map((f) => f.field);
  }
  throw new Error('expected a validation error');
}

describe('script names', () => {
  test.each(['nice_agent.coffee', 'script2.js', 'a.js', 'my-script-name.js', 'My Script v1.2.mjs', `${'a'.repeat(50)}.js`])('accepts %s', (name) =>
    expect(scriptNameProblem(name)).toBeNull(),
  );

  test.each([
    ['no extension', 'script'],
    ['other extension', 'script.ts'],
    ['upper-case extension', 'script.JS'],
    ['extension only', '.js'],
    ['starts with a dash', '-script.js'],
    ['ends with a dot before the extension', 'script..js'],
    ['ends with a space before the extension', 'script .js'],
    ['slug too long', `${'a'.repeat(51)}.js`],
    ['slash', 'dir/script.js'],
    ['non-ascii', 'scrïpt.js'],
  ])('refuses %s', (_why, name) => expect(scriptNameProblem(name)).toMatch(/word character/));

  test('a missing or non-string name is required', () => {
    expect(scriptNameProblem(undefined)).toBe('is required');
    expect(scriptNameProblem('')).toBe('is required');
    expect(scriptNameProblem(12)).toBe('is required');
  });
});

describe('parseSaveCommand', () => {
  test('keeps valid fields; empty source means not given; source defaults to api on create', () => {
    const cmd = parseSaveCommand({ name: 'a.js', text: 'x', source: '', insertOnly: true });
    expect(cmd).toEqual({ name: 'a.js', text: 'x', source: undefined, insertOnly: true });
    expect(sourceOnCreate(cmd)).toBe('api');
    expect(sourceOnCreate(parseSaveCommand({ name: 'a.js', source: 'bot builder' }))).toBe('bot builder');
  });

  test('an empty text is a valid (empty) script', () => {
    expect(parseSaveCommand({ name: 'a.js', text: '' }).text).toBe('');
  });

  test('reports every bad field at once, naming each', () => {
    expect(fieldsOf(() => parseSaveCommand({ name: 'bad', text: 3, source: 'no-dashes!', insertOnly: 'yes' }))).toEqual([
      'name',
      'text',
      'source',
      'insertOnly',
    ]);
  });

  test.each(['x'.repeat(21), 'dash-es', 'under_score', 'é'])('refuses source %p', (source) => {
    expect(fieldsOf(() => parseSaveCommand({ name: 'a.js', source }))).toEqual(['source']);
  });

  test('refuses a text over the size cap, counting bytes not characters', () => {
    const justFits = 'x'.repeat(MAX_SCRIPT_TEXT_BYTES);
    expect(parseSaveCommand({ name: 'a.js', text: justFits }).text).toHaveLength(MAX_SCRIPT_TEXT_BYTES);
    expect(fieldsOf(() => parseSaveCommand({ name: 'a.js', text: 'é'.repeat(MAX_SCRIPT_TEXT_BYTES / 2 + 1) }))).toEqual(['text']);
  });
});
