import { parseOutputChunk } from './output-chunk.js';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parseOutputChunk', () => {
  it('decodes the base64 bytes of a chunk', () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xe2, 0x82]);
    expect(parseOutputChunk(encode({ containerId: 7, agentId: 1, orgId: 2, offset: 40, data: bytes.toString('base64') }))).toEqual({
      containerId: 7,
      offset: 40,
      data: bytes,
    });
  });

  it.each([
    ['not JSON', Buffer.from('{oops')],
    ['no container', encode({ offset: 0, data: 'YQ==' })],
    ['negative offset', encode({ containerId: 1, offset: -1, data: 'YQ==' })],
    ['fractional offset', encode({ containerId: 1, offset: 1.5, data: 'YQ==' })],
    ['data not base64', encode({ containerId: 1, offset: 0, data: 'a b!' })],
    ['empty data', encode({ containerId: 1, offset: 0, data: '' })],
    ['null', encode(null)],
  ])('refuses %s', (_, payload) => {
    expect(parseOutputChunk(payload)).toBeNull();
  });
});
