/** Where the scheduler reads the time: the system clock in production, a controllable one in tests. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
