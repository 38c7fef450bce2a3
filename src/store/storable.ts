/**
 * Postgres refuses U+0000 in `text` and in `jsonb` strings, and a lone UTF-16 surrogate in
 * `jsonb` (in `text` the driver silently turns one into U+FFFD). RentProg can send either,
 * so every string written to Postgres goes through `storable`, which rewrites only the
 * strings (object keys included) that hold one of them or the escape characters below,
 * reversibly, so `unstorable` gives back exactly what RentProg sent:
 *
 *   U+0000               → ␀      (U+2400 SYMBOL FOR NULL, so an operator reading the row sees it)
 *   ␀                    → ␛␀     (U+241B SYMBOL FOR ESCAPE)
 *   ␛                    → ␛␛
 *   lone surrogate U+D8AB → ␛ud8ab (four lowercase hex digits)
 *
 * Every other string, and every value that is not a string, array or plain object, is
 * returned as it is, and an array or object without such a string is returned by reference.
 */
export function storable<T>(value: T): T {
  return mapStrings(value, escape) as T;
}

/** The inverse of `storable`: the value exactly as it was before it was stored. */
export function unstorable<T>(value: T): T {
  return mapStrings(value, unescape) as T;
}

const NUL = '\u0000';
const NUL_SYMBOL = '\u2400';
const ESCAPE = '\u241b';

const NEEDS_ESCAPE =
  // eslint-disable-next-line no-control-regex -- U+0000 is exactly the character Postgres refuses
  /[\u0000\u2400\u241b]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESCAPED = /\u241b([\u2400\u241b]|ud[89a-f][0-9a-f]{2})|\u2400/g;

function escape(text: string): string {
  return text.replace(NEEDS_ESCAPE, (char) => {
    if (char === NUL) return NUL_SYMBOL;
    if (char === NUL_SYMBOL || char === ESCAPE) return ESCAPE + char;
    return `${ESCAPE}u${char.charCodeAt(0).toString(16)}`;
  });
}

function unescape(text: string): string {
  return text.replace(ESCAPED, (_match, escaped: string | undefined) => {
    if (escaped === undefined) return NUL;
    return escaped.length === 1 ? escaped : String.fromCharCode(parseInt(escaped.slice(1), 16));
  });
}

function mapStrings(value: unknown, rewrite: (text: string) => string): unknown {
  if (typeof value === 'string') return rewrite(value);
  if (Array.isArray(value)) {
    const mapped = value.map((item) => mapStrings(item, rewrite));
    return mapped.some((item, i) => !Object.is(item, value[i])) ? mapped : value;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    const mapped = entries.map(([key, item]) => [rewrite(key), mapStrings(item, rewrite)] as const);
    const changed = mapped.some(
      ([key, item], i) => key !== entries[i]![0] || !Object.is(item, entries[i]![1]),
    );
    return changed ? Object.fromEntries(mapped) : value;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
