import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRubyLiteral, RubyLiteralError } from '../../src/rentprog/webhooks/ruby-literal.js';

/** A plain object whose `__proto__`/`constructor` keys are own data properties, as the parser builds them. */
function record(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

// toStrictEqual compares `a.constructor === b.constructor`, which an own `constructor` key holding an
// object defeats; comparing objects as Maps keeps the check exact (Map vs array, keys, values, -0).
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return new Map(Object.entries(value).map(([key, item]) => [key, canonical(item)]));
}

function objectsIn(value: unknown): object[] {
  if (Array.isArray(value)) return value.flatMap(objectsIn);
  if (typeof value !== 'object' || value === null) return [];
  return [value, ...Object.values(value).flatMap(objectsIn)];
}

function expectUnpolluted(): void {
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect({}.constructor).toBe(Object);
}

// A small Ruby `inspect` writer. `pick(n)` draws the next 0..n-1 from the property's random choices, so
// each hash and string varies its spacing, key syntax and escape forms independently.
type Pick = (n: number) => number;

function picker(choices: number[]): Pick {
  let i = 0;
  return (n) => (choices[i++ % choices.length] ?? 0) % n;
}

const NAMED_ESCAPES = new Map([
  ['"', '\\"'],
  ['\\', '\\\\'],
  ['\n', '\\n'],
  ['\t', '\\t'],
  ['\r', '\\r'],
  ['\f', '\\f'],
  ['\v', '\\v'],
  ['\b', '\\b'],
  ['\u0007', '\\a'],
  ['\u001b', '\\e'],
]);

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

function writeString(text: string, pick: Pick): string {
  const chars = [...text];
  const body = chars.map((ch, i) => {
    const code = ch.codePointAt(0) ?? 0;
    const named = NAMED_ESCAPES.get(ch);
    if (named !== undefined) return named;
    if (code < 0x20 || code === 0x7f) {
      // Ruby prints \u00XX; the other forms are what Ruby source and binary strings use.
      return [
        `\\u${hex(code, 4)}`,
        `\\x${hex(code, 2)}`,
        `\\${code.toString(8).padStart(3, '0')}`,
        `\\u{${hex(code, 1)}}`,
      ][pick(4)];
    }
    if (ch === '#' && ['{', '$', '@'].includes(chars[i + 1] ?? '')) return '\\#';
    if (code > 0xffff && pick(3) === 1) return `\\u{${hex(code, 1)}}`;
    if (code > 0xffff && pick(2) === 1) return `\\u${hex(ch.charCodeAt(0), 4)}\\u${hex(ch.charCodeAt(1), 4)}`;
    return ch;
  });
  return `"${body.join('')}"`;
}

function writeKey(key: string, arrow: string, pick: Pick): string {
  const quoted = writeString(key, pick);
  const forms = [`${quoted}${arrow}`, `:${quoted}${arrow}`, `${quoted}: `];
  if (/^[A-Za-z_][A-Za-z0-9_]*[?!]?$/.test(key)) forms.push(`:${key}${arrow}`, `${key}: `);
  return forms[pick(forms.length)] ?? quoted;
}

function writeRuby(value: unknown, pick: Pick): string {
  if (value === null) return 'nil';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return writeString(value, pick);
  if (Array.isArray(value)) return `[${value.map((item) => writeRuby(item, pick)).join(', ')}]`;
  // Ruby ≤3.3 prints `"k"=>v`, Ruby 3.4 prints `"k" => v`.
  const arrow = pick(2) === 0 ? '=>' : ' => ';
  const pairs = Object.entries(value as object).map(
    ([k, v]) => writeKey(k, arrow, pick) + writeRuby(v, pick),
  );
  return `{${pairs.join(', ')}}`;
}

const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => Number.isFinite(n) && !Object.is(n, -0)),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
);
const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'id', 'state'), fc.string());
const { value: rubyValue } = fc.letrec<{ value: unknown; array: unknown[]; hash: Record<string, unknown> }>(
  (tie) => ({
    value: fc.oneof({ maxDepth: 4 }, leaf, tie('array'), tie('hash')),
    array: fc.array(tie('value'), { maxLength: 5 }),
    hash: fc.dictionary(key, tie('value'), { maxKeys: 5 }).map((dict) => record(Object.entries(dict))),
  }),
);
const choices = fc.array(fc.nat(), { minLength: 1, maxLength: 20 });

describe('parseRubyLiteral', () => {
  it.each<[string, string, unknown]>([
    [
      'a RentProg payload',
      '{"state"=>["Новая", "Активная"], "id"=>900001, "user_id"=>nil}',
      { state: ['Новая', 'Активная'], id: 900001, user_id: null },
    ],
    ['Ruby 3.4 spacing and BigDecimal', '{"total" => [0.3e3, 0.35e3]}', { total: [300, 350] }],
    [
      'strings a regex rewrite corrupts',
      String.raw`{"description"=>["Vanilla => nil", "Клиент Daniil, note: \"VIP\"\nдетское кресло \#{1}"]}`,
      { description: ['Vanilla => nil', 'Клиент Daniil, note: "VIP"\nдетское кресло #{1}'] },
    ],
    [
      'nested arrays',
      '{"prices"=>[[100.0, 90.0], [120.0, 110.0]]}',
      {
        prices: [
          [100, 90],
          [120, 110],
        ],
      },
    ],
    [
      'symbol keys',
      '{:name=>"Kia", :valid?=>true, :"my key"=>false}',
      { name: 'Kia', 'valid?': true, 'my key': false },
    ],
    [
      'label keys',
      '{name: "Kia", seats: 5, save!: nil, "my key": []}',
      { name: 'Kia', seats: 5, 'save!': null, 'my key': [] },
    ],
    [
      'integer keys',
      '{1=>"a", -2=>"b", 007=>"c", 12345678901234567890=>"d"}',
      { '1': 'a', '-2': 'b', '7': 'c', '12345678901234567890': 'd' },
    ],
    [
      'unicode and byte escapes',
      String.raw`"\u0416\u{1F600}\u{41 42}\uD83D\uDE00\x41\xA\101\0\e\a\s\q\#"`,
      'Ж😀AB😀A\nA\0\u001b\u0007 q#',
    ],
    [
      'numbers',
      '[-1, 0, 487.0, 1.5e-3, 2E+2, 1e+21, 5e-324, -0.0]',
      [-1, 0, 487, 0.0015, 200, 1e21, 5e-324, -0],
    ],
    ['empty hash', '{}', {}],
    ['empty array', '[]', []],
    ['scalars at top level', ' nil ', null],
    ['whitespace between tokens', '\n{\t"a"\r\n=>  [ 1 ,2 ] ,"b"=>{ } }\n', { a: [1, 2], b: {} }],
    ['duplicate keys, last wins', '{"a"=>1, "b"=>2, "a"=>3}', { a: 3, b: 2 }],
  ])('parses %s', (_name, ruby, expected) => {
    expect(parseRubyLiteral(ruby)).toStrictEqual(expected);
  });

  it('keeps __proto__ and constructor as own data properties', () => {
    const parsed = parseRubyLiteral('{"__proto__"=>{"polluted"=>true}, "constructor"=>1, "prototype"=>nil}');
    expect(parsed).toStrictEqual(
      record([
        ['__proto__', { polluted: true }],
        ['constructor', 1],
        ['prototype', null],
      ]),
    );
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed as object)).toEqual(['__proto__', 'constructor', 'prototype']);
    expectUnpolluted();
  });

  it.each([
    ['', 'unexpected end of input at 0'],
    ['{"a"=>}', 'unexpected "}" at 6'],
    ['{"mileage"=>[1200, 1350], "id"=>', 'unexpected end of input at 32'],
    ['{"a"=>1,}', 'unexpected "}" at 8'],
    ['[1,]', 'unexpected "]" at 3'],
    ['{"a" 1}', 'unexpected "1" at 5'],
    ['{"t"=>Fri, 14 Nov 2025}', 'unexpected word "Fri" at 6'],
    ['"unterminated', 'unterminated string at 0'],
    ['{"a"=>"x\\', 'unterminated string at 6'],
    ['{"a"=>1} trailing', 'unexpected "t" at 9'],
    ['NaN', 'unexpected word "NaN" at 0'],
    ['-Infinity', 'unexpected "I" at 1'],
    ['0x1F', 'unexpected "x" at 1'],
    ['+1', 'unexpected "+" at 0'],
    ['1e999', 'number out of range at 0'],
    ['1.', 'unexpected end of input at 2'],
    ['{"a"=1}', 'unexpected "=" at 4'],
    ['{=>1}', 'unexpected "=" at 1'],
    ['[1 2]', 'unexpected "2" at 3'],
    ['{"a"=>1]', 'unexpected "]" at 7'],
    ['{1.5=>1}', 'unexpected "." at 2'],
    ['{nil=>1}', 'unexpected "=" at 4'],
    ['"\\u12"', 'invalid escape at 1'],
    ['"\\u{110000}"', 'invalid escape at 1'],
    ['"\\u{}"', 'invalid escape at 1'],
    ['"\\x"', 'invalid escape at 1'],
    ['{"status"=>:active}', 'unexpected ":" at 11'],
    ['[😀]', 'unexpected "😀" at 1'],
    ['['.repeat(100) + ']'.repeat(100), 'nesting deeper than 64 at 64'],
  ])('rejects %j', (ruby, message) => {
    expect(() => parseRubyLiteral(ruby)).toThrow(RubyLiteralError);
    expect(() => parseRubyLiteral(ruby)).toThrow(message);
  });

  it('reports the position on the error', () => {
    const error = (() => {
      try {
        parseRubyLiteral('{"id"=>1, "x"=>]');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RubyLiteralError);
    expect(error).toMatchObject({ name: 'RubyLiteralError', position: 15, message: 'unexpected "]" at 15' });
  });

  it('allows 64 levels of nesting and refuses 65, even without a stack overflow on huge input', () => {
    expect(parseRubyLiteral('['.repeat(64) + ']'.repeat(64))).toBeInstanceOf(Array);
    expect(() => parseRubyLiteral('['.repeat(65) + ']'.repeat(65))).toThrow(RubyLiteralError);
    expect(() => parseRubyLiteral('{"a"=>'.repeat(100_000))).toThrow(RubyLiteralError);
  });

  it('round-trips anything Ruby inspect can print', () => {
    fc.assert(
      fc.property(rubyValue, choices, (value, picks) => {
        const parsed = parseRubyLiteral(writeRuby(value, picker(picks)));
        expect(canonical(parsed)).toStrictEqual(canonical(value));
        for (const object of objectsIn(parsed)) {
          if (!Array.isArray(object)) expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
        }
        expectUnpolluted();
      }),
      { numRuns: 500 },
    );
  });

  it('throws nothing but RubyLiteralError on arbitrary input', () => {
    const garbage = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.stringMatching(/^[{}[\]",=> :a-z0-9\\#.-]{0,200}$/),
      // Valid literals cut short or with one character dropped hit the error paths closest to real input.
      fc.tuple(rubyValue, choices, fc.nat(), fc.boolean()).map(([value, picks, cut, drop]) => {
        const text = writeRuby(value, picker(picks));
        const at = cut % (text.length + 1);
        return drop ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at);
      }),
    );
    fc.assert(
      fc.property(garbage, (text) => {
        try {
          parseRubyLiteral(text);
        } catch (error) {
          expect(error).toBeInstanceOf(RubyLiteralError);
        }
        expectUnpolluted();
      }),
      { numRuns: 1000 },
    );
  });
});
