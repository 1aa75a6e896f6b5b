import { createRequire } from 'node:module';

const { storagePath, nameOf, decodeBase64 } = createRequire(import.meta.url)('../script/files.cjs');

describe('storagePath: where save*() puts a file inside the storage folder', () => {
  test.each([
    [undefined, 'photo.png', 'photo.png'],
    ['', 'photo.png', 'photo.png'],
    ['shots/', 'photo.png', 'shots/photo.png'],
    ['shots/today.png', 'photo.png', 'shots/today.png'],
    ['/absolute/x.txt', 'photo.png', 'absolute/x.txt'],
    ['a/../b.txt', 'photo.png', 'b.txt'],
    ['a\\b.txt', 'photo.png', 'a/b.txt'],
  ])('saveAs %p with default %p → %p', (saveAs, defaultName, expected) => {
    expect(storagePath(saveAs, defaultName)).toBe(expected);
  });

  test.each(['../x.txt', 'a/../../x.txt', '..', '/..'])('%p may not leave the storage folder', (saveAs) => {
    expect(() => storagePath(saveAs, 'x')).toThrow(expect.objectContaining({ code: 'INVALID_PATH' }));
  });

  test('a folder with no name in it is refused', () => {
    expect(() => storagePath('.', 'x')).toThrow(expect.objectContaining({ code: 'INVALID_PATH' }));
  });
});

describe('nameOf / decodeBase64', () => {
  test('a URL or path gives its last segment, else the fallback', () => {
    expect(nameOf('https://example.com/files/a%20b.png?x=1', 'f')).toBe('a b.png');
    expect(nameOf('https://example.com/', 'f')).toBe('f');
    expect(nameOf('dir/local.txt', 'f')).toBe('local.txt');
  });

  test('bare Base64 and data URIs decode to the same bytes', () => {
    const encoded = Buffer.from('bytes').toString('base64');
    expect(decodeBase64(encoded).toString()).toBe('bytes');
    expect(decodeBase64(`data:application/octet-stream;base64,${encoded}`).toString()).toBe('bytes');
  });
});
