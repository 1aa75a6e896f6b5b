import { foldersToRemove, runFolderOf } from './file-mgmt.js';

test('folders: one folder per run; mix and delete: the agent folder itself (mix by default)', () => {
  expect(runFolderOf('folders', 42)).toBe('42');
  expect(runFolderOf('mix', 42)).toBe('');
  expect(runFolderOf('delete', 42)).toBe('');
  expect(runFolderOf(null, 42)).toBe('');
});

test('keeps at most fileMgmtMaxFolders run folders counting the new one, removing the oldest', () => {
  expect(foldersToRemove(['9', '10', '100', 'notes.txt'], 3, '101')).toEqual(['9']);
  expect(foldersToRemove(['9', '10', '100'], 1, '101')).toEqual(['9', '10', '100']);
  expect(foldersToRemove(['9', '10'], 5, '101')).toEqual([]);
  expect(
    foldersToRemove(
      Array.from({ length: 12 }, (_, i) => String(i + 1)),
      null,
      '13',
    ),
  ).toEqual(['1', '2', '3']);
  expect(foldersToRemove(['5', '101'], 2, '101')).toEqual([]);
});
