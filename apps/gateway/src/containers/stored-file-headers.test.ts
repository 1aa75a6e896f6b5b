import { attachmentDisposition, isPassiveType, storedFileHeaders, STORED_FILE_CSP } from './stored-file-headers.js';

test.each([
  'text/html; charset=utf-8',
  'image/svg+xml',
  'application/xml',
  'text/xml',
  'application/xhtml+xml',
  'application/pdf',
  'application/octet-stream',
  'application/javascript',
  'TEXT/HTML',
])('%s is downloaded, never rendered', (type) => {
  expect(isPassiveType(type)).toBe(false);
  expect(storedFileHeaders('out/x', type)['content-disposition']).toMatch(/^attachment; /);
});

test.each(['text/plain; charset=utf-8', 'text/csv; charset=utf-8', 'application/json', 'image/png', 'image/jpeg'])('%s is shown inline', (type) => {
  expect(storedFileHeaders('out/x', type)['content-disposition']).toBeUndefined();
});

test('every stored file is sandboxed and nosniff', () => {
  for (const type of ['text/plain', 'text/html']) {
    expect(storedFileHeaders('a', type)).toMatchObject({ 'content-security-policy': STORED_FILE_CSP, 'x-content-type-options': 'nosniff' });
  }
});

test('a hostile file name cannot break out of the header', () => {
  const value = attachmentDisposition('dir/a"b\\c\r\nSet-Cookie: x=1é.html');
  expect(value).not.toMatch(/[\r\n]/);
  expect(value).toBe(`attachment; filename="a_b_c__Set-Cookie: x=1_.html"; filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1%C3%A9.html`);
});
