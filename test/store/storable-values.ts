import fc from 'fast-check';

/** Characters that need the scheme (NUL, its symbol, the escape, lone surrogates) among any others. */
const tricky = fc.oneof(
  fc.constantFrom('\u0000', '\u2400', '\u241b', '\ud800', '\udbff', '\udc00', '\udfff', 'u', 'd', '8', 'a'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
export const text = fc.string({ unit: tricky, maxLength: 12 });
export const json = fc.jsonValue({ stringUnit: tricky, maxDepth: 3 });
/** What Postgres could not store: a NUL anywhere, or a UTF-16 surrogate without its other half. */
// eslint-disable-next-line no-control-regex -- U+0000 is what Postgres refuses
export const unstorableText = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
