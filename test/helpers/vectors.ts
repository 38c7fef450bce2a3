import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The webhook test vectors in test/fixtures/webhooks: real-shaped bodies and what each must become. */
export interface Vector {
  file: string;
  description: string;
  branch: string;
  contentType: string;
  body: string;
  expected: { type: string; entity: string; rentprogId: number } | { error: string };
}

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'webhooks');

export const VECTORS: Vector[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    ...(JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Omit<Vector, 'file'>),
  }));
