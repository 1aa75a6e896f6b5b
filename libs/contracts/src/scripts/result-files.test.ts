import { configuredResultName, resultFileNames, resultFileOf } from './result-files.js';

test('names: the argument’s csvName / jsonName without their extension, else result', () => {
  expect(resultFileNames({})).toEqual({ csv: 'result', json: 'result' });
  expect(resultFileNames({ csvName: 'leads.CSV', jsonName: ' people ' })).toEqual({ csv: 'leads', json: 'people' });
  // Hostile or odd arguments name nothing.
  for (const argument of [null, 'csvName', [], { csvName: 42, jsonName: { x: 1 } }, { csvName: '  ', jsonName: '.json' }]) {
    expect(resultFileNames(argument)).toEqual({ csv: 'result', json: 'result' });
    expect(configuredResultName(argument, 'csv')).toBeNull();
  }
  expect(configuredResultName({ jsonName: 'people.json' }, 'json')).toBe('people');
});

test('a saved path is a result file only by its exact conventional name at the top of the run folder', () => {
  const names = { csv: 'leads', json: 'result' };
  expect(resultFileOf('leads.csv', names)).toEqual({ format: 'csv', name: 'leads' });
  expect(resultFileOf('/result.json', names)).toEqual({ format: 'json', name: 'result' });
  for (const other of ['result.csv', 'leads.json', 'sub/leads.csv', 'leads.csv.bak', 'screenshot.png']) expect(resultFileOf(other, names)).toBeNull();
});
