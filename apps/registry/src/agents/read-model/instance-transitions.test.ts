import { lastEndStatusOf, transition } from './instance-transitions.js';

describe('container state transitions → instance count deltas', () => {
  const zero = { pending: 0, active: 0, complete: 0, failed: 0, cancelled: 0, total: 0 };

  it('queued → started → ended moves one container through the buckets', () => {
    expect(transition(null, 'pending')).toEqual({ ...zero, pending: 1, total: 1 });
    expect(transition('pending', 'active')).toEqual({ ...zero, pending: -1, active: 1 });
    expect(transition('active', 'complete')).toEqual({ ...zero, active: -1, complete: 1 });
  });

  it('counts a container first seen when it starts or ends', () => {
    expect(transition(null, 'active')).toEqual({ ...zero, active: 1, total: 1 });
    expect(transition(null, 'failed')).toEqual({ ...zero, failed: 1, total: 1 });
    expect(transition('pending', 'cancelled')).toEqual({ ...zero, pending: -1, cancelled: 1 });
  });

  it('ignores repeats, moves backwards and anything after the end', () => {
    expect(transition('active', 'active')).toBeNull();
    expect(transition('active', 'pending')).toBeNull();
    expect(transition('complete', 'failed')).toBeNull();
    expect(transition('cancelled', 'active')).toBeNull();
  });
});

describe('lastEndStatusOf', () => {
  it('speaks v1: success / error / cancelled, and "launch failed" for a run that never started', () => {
    expect(['complete', 'failed', 'cancelled'].map((s) => lastEndStatusOf(s as never))).toEqual(['success', 'error', 'cancelled']);
    expect(lastEndStatusOf('failed', true)).toBe('launch failed');
  });
});
