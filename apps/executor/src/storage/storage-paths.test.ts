import { agentStorageRoot, safeRelativePath, storedFileUrl } from './storage-paths.js';

test('an agent folder is <storage>/<org>/<folder>; odd folder names are refused', () => {
  expect(agentStorageRoot('/data', 3, 'nVFRid8kvsuPeuCL80DnBg')).toBe('/data/3/nVFRid8kvsuPeuCL80DnBg');
  expect(() => agentStorageRoot('/data', 3, '../x')).toThrow();
});

test('paths stay inside the agent folder', () => {
  expect(safeRelativePath('a/b.txt')).toBe('a/b.txt');
  expect(safeRelativePath('/42/./result.csv')).toBe('42/result.csv');
  for (const bad of ['../x', 'a/../../x', '..', '', 'a\0b', 7]) expect(() => safeRelativePath(bad)).toThrow(/path/);
});

test('file URLs escape each segment', () => {
  expect(storedFileUrl(7, '42/my file.csv')).toBe('/api/v1/agent/7/storage/42/my%20file.csv');
});
