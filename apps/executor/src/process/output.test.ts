import { NO_SANDBOX_WARNING } from './run.js';
import { bubblewrapUsable, runScript, type TestIsolation } from './run-script.test-kit.js';

const TEN_MB = 10 * 1024 * 1024;

/** The same pseudo-random bytes the script prints (xorshift32), in the same chunk sizes. */
const generator = `
  function* chunks(total) {
    let state = 0x12345678;
    let written = 0;
    for (let i = 0; written < total; i++) {
      const size = Math.min(total - written, 1 + ((i * 7919) % 65536));
      const bytes = Buffer.alloc(size);
      for (let k = 0; k < size; k++) {
        state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
        bytes[k] = state & 0xff;
      }
      written += size;
      yield bytes;
    }
  }`;

function expectedBytes(total: number): Buffer {
  const chunks = new Function(`${generator}; return chunks;`)() as (total: number) => Iterable<Buffer>;
  return Buffer.concat([...chunks(total)]);
}

describe.each(['none', 'bubblewrap'] as TestIsolation[])('console output (%s)', (isolation) => {
  const maybe = isolation === 'bubblewrap' && !bubblewrapUsable ? test.skip : test;
  /** Without a sandbox the runner's warning line comes first, and counts. */
  const warning = isolation === 'none' ? Buffer.byteLength(NO_SANDBOX_WARNING) : 0;

  // Raw writes to fds 1 and 2: the order is the script's (node's own process.stdout / stderr
  // objects may queue a write while the pipe is full, so their relative order is node's).
  maybe('10 MB of binary bytes arrive exactly, fds 1 and 2 merged in write order, offsets contiguous', async () => {
    const script = `${generator}
      const fs = require('node:fs');
      function writeAll(fd, bytes) {
        for (let done = 0; done < bytes.length; ) {
          try { done += fs.writeSync(fd, bytes, done); } catch (error) { if (error.code !== 'EAGAIN') throw error; }
        }
      }
      let i = 0;
      for (const bytes of chunks(${TEN_MB})) writeAll(i++ % 3 === 0 ? 2 : 1, bytes);`;
    const result = await runScript(isolation, script);
    expect(result.outcome).toMatchObject({ reason: 'exited', exitCode: 0, outputLength: warning + TEN_MB });
    expect(result.contiguous).toBe(true);
    expect(result.output.length).toBe(TEN_MB);
    expect(result.output.equals(expectedBytes(TEN_MB))).toBe(true);
  });

  maybe('10 MB through process.stdout arrive exactly', async () => {
    const result = await runScript(isolation, `${generator}\n for (const bytes of chunks(${TEN_MB})) process.stdout.write(bytes);`);
    expect(result.outcome).toMatchObject({ reason: 'exited', exitCode: 0, outputLength: warning + TEN_MB });
    expect(result.contiguous).toBe(true);
    expect(result.output.equals(expectedBytes(TEN_MB))).toBe(true);
  });

  maybe("interleaved console.log / console.error lines keep their order; the exit code is the script's", async () => {
    const script = `for (let i = 0; i < 200; i++) (i % 2 ? console.error : console.log)('line ' + i); process.exitCode = 3;`;
    const result = await runScript(isolation, script);
    const expected = Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join('');
    expect(result.output.toString()).toBe(expected);
    expect(result.outcome).toMatchObject({ reason: 'exited', exitCode: 3, signal: null, outputLength: warning + Buffer.byteLength(expected) });
  });

  maybe('a script that throws prints its stack and exits 1', async () => {
    const result = await runScript(isolation, `throw new Error('boom from the script')`);
    expect(result.outcome).toMatchObject({ reason: 'exited', exitCode: 1 });
    expect(result.output.toString()).toContain('boom from the script');
  });
});
