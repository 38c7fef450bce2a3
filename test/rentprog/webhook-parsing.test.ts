import { describe, expect, it } from 'vitest';
import { eventIdOf } from '../../src/rentprog/webhooks/event-id.js';
import { normalizeEvent } from '../../src/rentprog/webhooks/normalize-event.js';
import { parseWebhookBody, rentprogIdOf } from '../../src/rentprog/webhooks/parse-webhook.js';
import { VECTORS } from '../helpers/vectors.js';

const parse = (body: string, contentType = 'application/json') =>
  parseWebhookBody(Buffer.from(body), contentType);

describe('webhook parsing and normalization', () => {
  it.each(VECTORS.map((v) => [v.file, v] as const))('%s', (_file, vector) => {
    const parsed = parse(vector.body, vector.contentType);
    if ('error' in vector.expected) {
      expect(parsed).toEqual({ ok: false, error: vector.expected.error });
      return;
    }
    if (!parsed.ok) throw new Error(parsed.error);
    const event = normalizeEvent(
      vector.branch,
      parsed,
      rentprogIdOf(parsed.payload)!,
      '2026-11-25T10:00:00Z',
    );
    expect({ type: event.type, entity: event.entity, rentprogId: event.rentprogId }).toEqual(vector.expected);
    expect(event.branch).toBe(vector.branch);
  });

  it('reads the event name from event, else type, else name, in JSON and in forms', () => {
    const payload = { id: 5, state: ['a', 'b'] };
    for (const field of ['event', 'type', 'name']) {
      expect(parse(JSON.stringify({ [field]: 'booking_update', payload }))).toMatchObject({
        ok: true,
        event: 'booking_update',
      });
    }
    const form = `type=car_update&payload=${encodeURIComponent('{"id"=>3, "mileage"=>[1, 2]}')}`;
    expect(parse(form, 'application/x-www-form-urlencoded')).toMatchObject({ ok: true, event: 'car_update' });
    expect(parse(JSON.stringify({ event: 'booking_update', type: 'other', payload }))).toMatchObject({
      event: 'booking_update',
    });
  });

  it('quarantines payloads nested too deep or with keys too long, without overflowing the stack', () => {
    const deep = `{"event":"booking_update","payload":{"id":1,"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    expect(parse(deep)).toEqual({ ok: false, error: 'payload nested deeper than 64 levels' });
    const longKey = JSON.stringify({ event: 'booking_update', payload: { id: 1, ['k'.repeat(300)]: 1 } });
    expect(parse(longKey)).toEqual({ ok: false, error: 'payload has a key longer than 256 characters' });
    const hugeRubyKey = JSON.stringify({
      event: 'booking_update',
      payload: `{"id"=>1, ${'9'.repeat(1 << 20)}=>2}`,
    });
    expect(parse(hugeRubyKey)).toEqual({ ok: false, error: 'payload could not be parsed' });
  });

  it('keeps tricky strings byte-exact and takes the last element of a pair as current', () => {
    const vector = VECTORS.find((v) => v.file.startsWith('14-'))!;
    const parsed = parse(vector.body);
    if (!parsed.ok) throw new Error(parsed.error);
    const event = normalizeEvent('batumi', parsed, 900114, '2026-11-25T10:00:00Z');
    expect(event.changes.description).toEqual([
      'Vanilla => nil',
      'Клиент Daniil, note: "VIP"\nдетское кресло #{1}',
    ]);
  });

  it('reads Ruby 3.4 BigDecimal numbers as numbers', () => {
    const parsed = parse(VECTORS.find((v) => v.file.startsWith('13-'))!.body);
    expect(parsed.ok && parsed.payload.total).toEqual([300, 350]);
  });

  it('does not call a car_update with an unchanged company_id a move', () => {
    const same = parse('{"event":"car_update","payload":{"company_id":[70001,70001],"id":5}}');
    if (!same.ok) throw new Error(same.error);
    expect(normalizeEvent('tbilisi', same, 5, '').type).toBe('rentprog.car_update');
  });

  it('gives the same event id for the same content in any encoding or key order', () => {
    const a = parse(
      '{"event":"booking_update","payload":"{\\"state\\"=>[\\"Новая\\", \\"Активная\\"], \\"id\\"=>1}"}',
    );
    const b = parse('{"payload":{"id":1,"state":["Новая","Активная"]},"event":"booking_update"}');
    const c = parse(
      '{"event":"booking_update","payload":"{\\"id\\": 1, \\"state\\": [\\"Новая\\", \\"Активная\\"]}"}',
    );
    const d = parse('{"event":"booking_update","payload":{"id":1,"state":["Новая","Отмена"]}}');
    const ids = [a, b, c, d].map((p) => (p.ok ? eventIdOf('tbilisi', p.event, p.payload) : p.error));
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).toBe(ids[0]);
    expect(ids[3]).not.toBe(ids[0]);
    expect(a.ok && eventIdOf('batumi', a.event, a.payload)).not.toBe(ids[0]);
  });

  it.each([
    ['{"event":"booking_update","payload":{"state":["a","b"]}}', 'payload has no id'],
    ['{"event":"booking_update"}', 'missing payload'],
    ['[1,2]', 'body is not a JSON object'],
    ['{"event":"drop table","payload":{"id":1}}', 'event name is not a plain identifier'],
  ])('rejects %s: %s', (body, error) => {
    expect(parse(body)).toEqual({ ok: false, error });
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(parseWebhookBody(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toEqual({
      ok: false,
      error: 'body is not valid UTF-8',
    });
  });

  it('keeps __proto__ keys as data', () => {
    const parsed = parse(
      '{"event":"client_create","payload":"{\\"__proto__\\"=>{\\"polluted\\"=>true}, \\"id\\"=>9}"}',
    );
    if (!parsed.ok) throw new Error(parsed.error);
    const event = normalizeEvent('tbilisi', parsed, 9, '');
    expect(Object.getPrototypeOf(event.changes)).toBe(Object.prototype);
    expect(event.changes.__proto__).toEqual([null, { polluted: true }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
