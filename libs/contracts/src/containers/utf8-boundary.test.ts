import { completeUtf8Length } from './utf8-boundary.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('completeUtf8Length', () => {
  it('keeps whole text', () => {
    for (const text of ['', 'abc', 'é', 'a€', '𝄞', 'x😀y']) expect(completeUtf8Length(bytes(text))).toBe(bytes(text).length);
  });

  it('holds back a character cut at any byte', () => {
    for (const char of ['é', '€', '😀']) {
      const whole = bytes(`ab${char}`);
      for (let cut = 3; cut < whole.length; cut++) expect(completeUtf8Length(whole.subarray(0, cut))).toBe(2);
    }
  });

  it('lets invalid bytes through (the decoder replaces them) instead of stalling on them', () => {
    expect(completeUtf8Length(Buffer.from([0x61, 0x80, 0x80, 0x80, 0x80]))).toBe(5);
    expect(completeUtf8Length(Buffer.from([0x61, 0xff]))).toBe(2);
    expect(completeUtf8Length(Buffer.from([0xe2, 0x61]))).toBe(2);
  });

  it('reads of any window size (≥ one character) resuming at the answered length reassemble the text', () => {
    const whole = bytes('héllo wörld € 😀 ok\n'.repeat(3));
    for (let step = 4; step <= 9; step++) {
      let pos = 0;
      let text = '';
      while (pos < whole.length) {
        const window = whole.subarray(pos, Math.min(whole.length, pos + step));
        const keep = completeUtf8Length(window);
        expect(keep).toBeGreaterThan(0);
        text += window.subarray(0, keep).toString('utf8');
        pos += keep;
      }
      expect(text).toBe(whole.toString('utf8'));
    }
  });
});
