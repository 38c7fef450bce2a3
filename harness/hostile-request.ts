import { signBody } from '../src/ingress/webhook-auth.js';
import type { Random } from '../src/simulator/random.js';
import { rubyInspect } from '../src/simulator/ruby-inspect.js';

const CONTENT_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/octet-stream',
  '',
];

/**
 * One hostile request at tbilisi's webhook URL, for the fuzz test and the fuzz drill:
 * random bytes, deep nesting, huge strings, wrong types, bad auth.
 */
export function hostileRequest(
  r: Random,
  i: number,
  secret: string,
): { path: string; body: Buffer; headers: Record<string, string> } {
  const kind = r.int(0, 7);
  let body: Buffer;
  switch (kind) {
    case 0:
      body = Buffer.from(Array.from({ length: r.int(0, 2000) }, () => r.int(0, 255)));
      break;
    case 1:
      body = Buffer.from(`{"event":"booking_update","payload":${'['.repeat(r.int(10, 20_000))}1`);
      break;
    case 2:
      body = Buffer.from(`{"event":"booking_update","payload":"${'{"a"=>'.repeat(r.int(10, 5000))}1"}`);
      break;
    case 3:
      body = Buffer.from(
        JSON.stringify({ event: 'booking_update', payload: 'x'.repeat(r.int(1000, 1_100_000)) }),
      );
      break;
    case 4: {
      const junk = Array.from({ length: r.int(1, 200) }, () => String.fromCharCode(r.int(0, 0xffff))).join(
        '',
      );
      body = Buffer.from(JSON.stringify({ event: junk.slice(0, 10), payload: junk }));
      break;
    }
    case 5:
      body = Buffer.from(
        JSON.stringify({
          event: 'client_create',
          payload: rubyInspect({ __proto__: 1, id: i, constructor: { prototype: 2 } }),
        }),
      );
      break;
    default:
      body = Buffer.from(JSON.stringify({ event: 'booking_update', payload: { id: i, state: ['a', 'b'] } }));
  }
  const auth = r.int(0, 4);
  const path =
    auth === 0
      ? `/webhooks/rentprog/tbilisi?t=${secret}`
      : auth === 1
        ? '/webhooks/rentprog/tbilisi?t=wrong'
        : auth === 2
          ? `/webhooks/rentprog/${r.pick(['x', '__proto__', 'constructor', '%00', 'a'.repeat(300)])}?t=${secret}`
          : '/webhooks/rentprog/tbilisi';
  const headers: Record<string, string> = {};
  const type = r.pick(CONTENT_TYPES);
  if (type) headers['content-type'] = type;
  if (auth === 3)
    headers['x-rentprog-signature'] = r.chance(0.5) ? signBody(body, secret) : 'sha256=deadbeef';
  return { path, body, headers };
}
