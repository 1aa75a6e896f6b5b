/**
 * The packet format of NestJS's NATS transport (`NatsRecordSerializer` + `NatsRequestJSONDeserializer`
 * on the server, `NatsResponseJSONDeserializer` on the client), spoken here over a raw connection so
 * callers keep the connection's shared request inbox instead of a subscription per request.
 *
 * Request:  `{ pattern, data, id }` — Nest answers only packets carrying an `id` (without one it is an event).
 * Response: `{ id, response?, err?, isDisposed? }` — a handler returning a value or a promise answers one packet.
 */
export interface NestRequestPacket<P> {
  pattern: string;
  data: P;
  id: string;
}

export interface NestResponsePacket<R> {
  id?: string;
  response?: R;
  err?: unknown;
  isDisposed?: boolean;
}

export const encodeNestRequest = <P>(pattern: string, data: P, id: string): string => JSON.stringify({ pattern, data, id } satisfies NestRequestPacket<P>);

export const decodeNestResponse = <R>(raw: string): NestResponsePacket<R> => JSON.parse(raw) as NestResponsePacket<R>;
