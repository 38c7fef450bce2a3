import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from '../../src/rentprog/api/throttle.js';

describe('throttle on the system clock (fake timers)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  const startsOf = (throttle: Throttle, keys: string[]) => {
    const starts: string[] = [];
    const all = Promise.all(
      keys.map((key) => throttle.acquire(key).then(() => starts.push(`${key}@${Date.now()}`))),
    );
    return { starts, all };
  };

  it('spaces one key evenly and lets another key start at once', async () => {
    const { starts, all } = startsOf(new Throttle(600), ['tbilisi', 'tbilisi', 'tbilisi', 'batumi']);
    await vi.runAllTimersAsync();
    await all;
    expect(starts).toEqual(['tbilisi@0', 'batumi@0', 'tbilisi@100', 'tbilisi@200']);
  });

  it('lets a key that has been idle for a whole interval start at once', async () => {
    const throttle = new Throttle(600);
    await throttle.acquire('tbilisi');
    await vi.advanceTimersByTimeAsync(100);
    const { starts, all } = startsOf(throttle, ['tbilisi', 'tbilisi']);
    await vi.runAllTimersAsync();
    await all;
    expect(starts).toEqual(['tbilisi@100', 'tbilisi@200']);
  });
});
