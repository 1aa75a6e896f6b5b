/** Bytes a UTF-8 sequence takes, from its lead byte (1 for ASCII and for bytes that cannot lead). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf7) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  if (lead >= 0xc0) return 2;
  return 1;
}

const isContinuation = (byte: number): boolean => (byte & 0xc0) === 0x80;

/**
 * Output positions are byte offsets; every service that turns output bytes into text (the output
 * service's reads, the gateway's live lines) cuts at the same place with this.
 *
 * Length of the longest prefix of `bytes` that does not end inside a multi-byte UTF-8 character:
 * an incomplete last character is left for the next read, which starts at this length. Invalid
 * bytes are not this function's concern (the decoder replaces them); only a character cut by the
 * end of the buffer is held back.
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    if (isContinuation(bytes[i])) continue;
    return end - i < sequenceLength(bytes[i]) ? i : end;
  }
  return end;
}
