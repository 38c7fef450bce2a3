export interface RubyInspectOptions {
  /** Ruby 3.4 prints `"k" => v`; earlier versions `"k"=>v`. */
  spacedArrows?: boolean;
}

/**
 * Writes a JSON-like value the way Ruby's `Hash#inspect` does, which is what RentProg
 * puts in webhook payloads (docs/rentprog-api.md, Webhooks): quoted keys, `=>`, `nil`, raw UTF-8, `\#{`.
 */
export function rubyInspect(value: unknown, options: RubyInspectOptions = {}): string {
  const arrow = options.spacedArrows ? ' => ' : '=>';
  const write = (v: unknown): string => {
    if (v === null || v === undefined) return 'nil';
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'number') return rubyNumber(v);
    if (typeof v === 'string') return rubyString(v);
    if (Array.isArray(v)) return `[${v.map(write).join(', ')}]`;
    if (typeof v === 'object') {
      const pairs = Object.entries(v as Record<string, unknown>).map(
        ([k, item]) => `${rubyString(k)}${arrow}${write(item)}`,
      );
      return `{${pairs.join(', ')}}`;
    }
    throw new TypeError(`cannot write ${typeof v} as a Ruby literal`);
  };
  return write(value);
}

function rubyNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError('Ruby literals have no NaN or Infinity here');
  return String(n);
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
  '\f': '\\f',
  '\v': '\\v',
  '\b': '\\b',
  '\u0007': '\\a',
  '\u001b': '\\e',
};

/** Ruby's String#inspect for UTF-8 text: printable characters raw, the rest escaped. */
export function rubyString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (ESCAPES[char]) out += ESCAPES[char];
    else if (char === '#' && (text[i + 1] === '{' || text[i + 1] === '$' || text[i + 1] === '@'))
      out += '\\#';
    else if (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) {
      out += `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}
