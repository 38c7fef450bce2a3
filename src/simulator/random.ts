/** A small seeded PRNG (mulberry32): the same seed gives the same dataset on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator for one entity, independent of every other entity's draws. */
export function entityRandom(seed: number, kind: string, branchNo: number, index: number): Random {
  let hash = 2166136261 ^ seed;
  for (const char of `${kind}:${branchNo}:${index}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return new Random(seededRandom(hash));
}

export class Random {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
}
