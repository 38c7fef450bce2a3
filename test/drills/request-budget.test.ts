import { describe, expect, it } from 'vitest';
import { busiestWindows } from '../../drills/support/request-budget.js';

describe('busiestWindows', () => {
  it('finds the busiest 60 s of each branch, a request at the window’s end left out', () => {
    const at = (seconds: number[], branch: string) => seconds.map((s) => ({ branch, at: s * 1000 }));
    const windows = busiestWindows([
      ...at([0, 10, 20, 60, 61, 62, 63], 'tbilisi'),
      ...at([5, 200], 'batumi'),
    ]);
    expect(windows).toEqual([
      { branch: 'batumi', requests: 1, from: 5000, total: 2, spanMs: 195_000 },
      // [10 s, 70 s) holds 10, 20, 60, 61, 62, 63; [0 s, 60 s) only three.
      { branch: 'tbilisi', requests: 6, from: 10_000, total: 7, spanMs: 63_000 },
    ]);
  });

  it('takes the window length it is given', () => {
    const requests = [0, 400, 900, 1000, 1500].map((at) => ({ branch: 'b', at }));
    expect(busiestWindows(requests, 1000)[0]).toMatchObject({ requests: 3, from: 0 });
  });
});
