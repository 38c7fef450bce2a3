import { createReadStream } from 'node:fs';

export interface Needle {
  name: string;
  /** A literal secret, or a pattern for secrets we cannot list (issued request tokens). */
  match: string | RegExp;
  /** The longest text the needle can match, to carry over between chunks. */
  maxLength: number;
}

/**
 * Counts each needle's occurrences in a file of any size, read in chunks; the end of
 * each chunk is carried into the next, so a secret split between two chunks is found.
 */
export async function searchFile(
  file: string,
  needles: Needle[],
  chunkBytes = 4 * 2 ** 20,
): Promise<{ hits: Map<string, number>; bytes: number; lines: number }> {
  const hits = new Map<string, number>();
  const carry = Math.max(...needles.map((n) => n.maxLength)) - 1;
  let tail = '';
  let bytes = 0;
  let lines = 0;
  const stream = createReadStream(file, { highWaterMark: chunkBytes, encoding: 'utf8' });
  for await (const chunk of stream as AsyncIterable<string>) {
    bytes += Buffer.byteLength(chunk);
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lines++;
    const text = tail + chunk;
    for (const needle of needles) {
      // A match lying wholly in the carried tail was counted with the previous chunk.
      const found = ends(text, needle.match).filter((end) => end > tail.length).length;
      if (found) hits.set(needle.name, (hits.get(needle.name) ?? 0) + found);
    }
    tail = text.slice(-carry);
  }
  return { hits, bytes, lines };
}

function ends(text: string, match: string | RegExp): number[] {
  if (typeof match !== 'string') return [...text.matchAll(match)].map((m) => m.index + m[0].length);
  const found: number[] = [];
  for (let i = text.indexOf(match); i !== -1; i = text.indexOf(match, i + 1)) found.push(i + match.length);
  return found;
}
