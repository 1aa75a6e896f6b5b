import type { OutputChunk } from '@agentry/contracts';

/** A console chunk ready to store: `data` starts at byte `offset` of the container's output. */
export interface StoredChunk {
  containerId: number;
  offset: number;
  data: Buffer;
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const isOffset = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes one message of stream OUTPUT (JSON `OutputChunk`); null when it is not one (it can never be stored). */
export function parseOutputChunk(payload: Uint8Array): StoredChunk | null {
  let message: Partial<OutputChunk>;
  try {
    message = JSON.parse(Buffer.from(payload).toString('utf8')) as Partial<OutputChunk>;
  } catch {
    return null;
  }
  if (!message || !isId(message.containerId) || !isOffset(message.offset)) return null;
  if (typeof message.data !== 'string' || message.data.length % 4 !== 0 || !BASE64.test(message.data)) return null;
  const data = Buffer.from(message.data, 'base64');
  if (data.length === 0) return null;
  return { containerId: message.containerId, offset: message.offset, data };
}
