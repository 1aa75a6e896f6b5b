import { DomainError } from './errors.js';
import { checkJsonObjectText } from './json-object-text.js';

const problemOf = (text: unknown, maxBytes = 16): string => {
  try {
    checkJsonObjectText(text, 'agentObject', maxBytes);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const [field] = (error as DomainError).fields ?? [];
    expect(field?.field).toBe('agentObject');
    return field!.message;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
};

test('answers the JSON text of an object as given', () => {
  expect(checkJsonObjectText('{"a": 1}', 'agentObject', 16)).toBe('{"a": 1}');
});

test('refuses what a hostile script may send instead, naming the field', () => {
  expect(problemOf({ a: 1 })).toBe('must be the JSON text of an object');
  expect(problemOf('[1]')).toBe('must be a JSON object');
  expect(problemOf('null')).toBe('must be a JSON object');
  expect(problemOf('"text"')).toBe('must be a JSON object');
  expect(problemOf('{"a":')).toBe('is not valid JSON');
  // Counted in UTF-8 bytes, not characters: 6 three-byte characters are 18 bytes.
  expect(problemOf('{"a":"€€€€€€"}')).toBe('must be at most 16 bytes of JSON');
});
