import { containerComment, EventStreamParser } from './event-stream';

test('events split anywhere across chunks come out whole: comments, ids, and data joined so a finished line ends with its newline', () => {
  const wire = ': container 42 in queue\n\nid: 6\ndata: hello\ndata: \n\n: container 42 still running\n\nid: 9\ndata: wor\n\n: container 42 ended\n\n';
  const whole = new EventStreamParser().push(wire);
  for (let cut = 1; cut < wire.length; cut++) {
    const parser = new EventStreamParser();
    expect([...parser.push(wire.slice(0, cut)), ...parser.push(wire.slice(cut))]).toEqual(whole);
  }
  expect(whole).toEqual([
    { comment: 'container 42 in queue' },
    { id: '6', data: 'hello\n' },
    { comment: 'container 42 still running' },
    { id: '9', data: 'wor' },
    { comment: 'container 42 ended' },
  ]);
});

test('CRLF line endings read like LF; an event not yet ended by an empty line is held back', () => {
  const parser = new EventStreamParser();
  expect(parser.push('id: 3\r\ndata: a\r\n')).toEqual([]);
  expect(parser.push('\r\n')).toEqual([{ id: '3', data: 'a' }]);
});

test("a container comment is read only in the API's exact form", () => {
  expect(containerComment('container 76426 still running')).toEqual({ containerId: '76426', state: 'still running' });
  expect(containerComment('container abc ended')).toBeUndefined();
  expect(containerComment('keep-alive')).toBeUndefined();
});
