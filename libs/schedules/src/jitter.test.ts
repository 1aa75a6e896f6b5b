import { jitterMs } from './jitter.js';

const WINDOW = 5 * 60_000;
const PLANNED = Date.parse('2026-01-01T09:00Z');

describe('jitterMs', () => {
  it('is the same for the same agent and planned time', () => {
    expect(jitterMs(42, PLANNED, WINDOW)).toBe(jitterMs(42, PLANNED, WINDOW));
  });

  it('is 0 without a window', () => {
    expect(jitterMs(42, PLANNED, 0)).toBe(0);
  });

  it('spreads 10,000 agents sharing 09:00 evenly over [-window, +window]', () => {
    const offsets = Array.from({ length: 10_000 }, (_, agentId) => jitterMs(agentId + 1, PLANNED, WINDOW));
    expect(offsets.every((o) => Number.isInteger(o) && o >= -WINDOW && o <= WINDOW)).toBe(true);
    const tenths = new Array<number>(10).fill(0);
    for (const o of offsets) tenths[Math.min(9, Math.floor(((o + WINDOW) / (2 * WINDOW + 1)) * 10))]! += 1;
    for (const count of tenths) expect(count).toBeGreaterThan(850);
    for (const count of tenths) expect(count).toBeLessThan(1150);
  });

  it('varies from one planned time to the next for the same agent', () => {
    const offsets = new Set(Array.from({ length: 100 }, (_, day) => jitterMs(7, PLANNED + day * 86_400_000, WINDOW)));
    expect(offsets.size).toBeGreaterThan(95);
  });
});
