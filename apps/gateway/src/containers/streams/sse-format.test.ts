import { LineSplitter } from '../live/line-splitter.js';
import { sseOutputEvent, sseStateComment } from './sse-format.js';

/** What an EventSource hands to `onmessage` for a stream: each event's data lines joined by "\n". */
function parseEvents(stream: string): { id: string | undefined; data: string }[] {
  return stream
    .split('\n\n')
    .filter((block) => block.split('\n').some((l) => l.startsWith('data:')))
    .map((block) => {
      const lines = block.split('\n');
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, ''));
      return { id: lines.find((l) => l.startsWith('id: '))?.slice(4), data: data.join('\n') };
    });
}

test("PhantomBuster's documented sample: whole lines end with an empty data line, a partial line does not", () => {
  const splitter = new LineSplitter();
  const out = [
    ...splitter.push(0, Buffer.from('This a console output line!\n')),
    ...splitter.push(28, Buffer.from('And this is')),
    ...splitter.push(39, Buffer.from('another one :)\n')),
  ]
    .map(sseOutputEvent)
    .join('');
  expect(out).toBe('id: 28\ndata: This a console output line!\ndata: \n\n' + 'id: 39\ndata: And this is\n\n' + 'id: 54\ndata: another one :)\ndata: \n\n');
  expect(
    parseEvents(out)
      .map((e) => e.data)
      .join(''),
  ).toBe('This a console output line!\nAnd this isanother one :)\n');
});

test('carriage returns cannot travel in SSE data: CRLF reads as LF, a lone CR as a new data line', () => {
  const [crlf, progress] = new LineSplitter().push(0, Buffer.from('done\r\n10%\r20%\n'));
  expect(sseOutputEvent(crlf!)).toBe('id: 6\ndata: done\ndata: \n\n');
  expect(sseOutputEvent(progress!)).toBe('id: 14\ndata: 10%\ndata: 20%\ndata: \n\n');
});

test('state comments', () => {
  expect(sseStateComment(76426, 'queued')).toBe(': container 76426 in queue\n\n');
  expect(sseStateComment(76426, 'running')).toBe(': container 76426 still running\n\n');
  expect(sseStateComment(76426, 'ended')).toBe(': container 76426 ended\n\n');
});
