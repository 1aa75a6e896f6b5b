/** An event as the pure domain sees it: decided (to append) or loaded (to fold). */
export interface AccountEvent<D = unknown> {
  type: string;
  data: D;
}

/** Who performed a command, as recorded in events. */
export interface Performer {
  userId: number;
  keyId: number;
}
