import { incompleteTail, LineSplitter } from './line-splitter.js';

test('a character cut by the end of a chunk is held back, whatever its length', () => {
  const euro = Buffer.from('€'); // 3 bytes
  const emoji = Buffer.from('😀'); // 4 bytes
  expect(incompleteTail(Buffer.from('abc'))).toBe(0);
  expect(incompleteTail(euro)).toBe(0);
  expect(incompleteTail(euro.subarray(0, 1))).toBe(1);
  expect(incompleteTail(euro.subarray(0, 2))).toBe(2);
  expect(incompleteTail(emoji.subarray(0, 3))).toBe(3);
  expect(incompleteTail(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80]))).toBe(0);
});

test('lines come with the offset past them; any chunking gives the same text and offsets', () => {
  const text = 'héllo wörld\npartial €uro 😀 line\nlast';
  const bytes = Buffer.from(text);
  for (const size of [1, 2, 3, 5, 7, bytes.length]) {
    const splitter = new LineSplitter();
    const pieces = [];
    for (let at = 0; at < bytes.length; at += size) pieces.push(...splitter.push(at, bytes.subarray(at, at + size)));
    pieces.push(...splitter.flush(bytes.length));
    expect(pieces.map((p) => p.text + (p.newline ? '\n' : '')).join('')).toBe(text);
    // Every end is a character boundary: resuming there gives the rest of the output exactly.
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (const p of pieces) expect(() => strict.decode(bytes.subarray(p.end))).not.toThrow();
    expect(pieces.filter((p) => p.newline).map((p) => p.end)).toEqual([
      Buffer.byteLength('héllo wörld\n'),
      Buffer.byteLength('héllo wörld\npartial €uro 😀 line\n'),
    ]);
    expect(pieces[pieces.length - 1]!.end).toBe(bytes.length);
  }
});

test('a character never completed comes out replaced at the end', () => {
  const splitter = new LineSplitter();
  expect(splitter.push(0, Buffer.from([0x61, 0xe2, 0x82]))).toEqual([{ text: 'a', end: 1, newline: false }]);
  expect(splitter.flush(3)).toEqual([{ text: '\ufffd', end: 3, newline: false }]);
});
