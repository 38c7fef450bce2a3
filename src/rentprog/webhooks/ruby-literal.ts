/**
 * RentProg is a Rails app and puts `Hash#inspect` output into its webhook payloads. Rewriting that
 * into JSON with regexes corrupts any string that itself contains `=>`, `nil`, quotes or commas, so
 * this is a character-level recursive-descent parser instead.
 */

// Deep enough for any real payload, shallow enough that recursion can never overflow the stack.
const MAX_DEPTH = 64;
// A numeric key becomes a BigInt, whose cost grows with the square of its length: a 1 MiB
// key would block the event loop for about a second. No RentProg key is anywhere near this.
export const MAX_KEY_LENGTH = 256;

const WHITESPACE = ' \t\r\n';

// Ruby's one-letter escapes and, at the same index, what they stand for (`\a` bell, `\e` escape, `\s` space).
const ESCAPE_LETTERS = 'ntrfvbaes';
const ESCAPED_CHARS = '\n\t\r\f\v\b\u0007\u001b ';

export class RubyLiteralError extends Error {
  override readonly name = 'RubyLiteralError';
  /** Index (in UTF-16 code units) of the character where parsing gave up. */
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} at ${position}`);
    this.position = position;
  }
}

/** Parses one Ruby literal (normally a Hash) as printed by Hash#inspect; throws RubyLiteralError on anything else. */
export function parseRubyLiteral(text: string): unknown {
  return new Parser(text).document();
}

function isDigit(ch: string | undefined, radix: 8 | 10 | 16): boolean {
  return ch !== undefined && ch.length === 1 && !Number.isNaN(Number.parseInt(ch, radix));
}

function isIdentifierStart(ch: string | undefined): boolean {
  return ch !== undefined && (ch === '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));
}

// defineProperty rather than assignment: `obj['__proto__'] = v` would replace the prototype.
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  document(): unknown {
    this.skip(WHITESPACE);
    const value = this.value();
    this.skip(WHITESPACE);
    if (this.pos < this.text.length) this.unexpected();
    return value;
  }

  private value(): unknown {
    const ch = this.peek();
    if (ch === '{' || ch === '[') {
      if (++this.depth > MAX_DEPTH) throw new RubyLiteralError(`nesting deeper than ${MAX_DEPTH}`, this.pos);
      const value = ch === '{' ? this.hash() : this.array();
      this.depth--;
      return value;
    }
    if (ch === '"') return this.string();
    if (ch === '-' || isDigit(ch, 10)) return this.number();
    if (!isIdentifierStart(ch)) this.unexpected();
    const start = this.pos;
    const word = this.identifier();
    if (word === 'nil') return null;
    if (word === 'true' || word === 'false') return word === 'true';
    // Dates, BigDecimals and other objects inspect as bare words that carry no recoverable value.
    throw new RubyLiteralError(`unexpected word ${JSON.stringify(word)}`, start);
  }

  private hash(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.sequence('{', '}', () => {
      const key = this.key();
      this.skip(WHITESPACE);
      define(result, key, this.value());
    });
    return result;
  }

  private array(): unknown[] {
    const result: unknown[] = [];
    this.sequence('[', ']', () => result.push(this.value()));
    return result;
  }

  /** `open item, item close`: empty is fine, but a trailing comma is not (Ruby never prints one). */
  private sequence(open: string, close: string, item: () => void): void {
    this.expect(open);
    this.skip(WHITESPACE);
    if (this.eat(close)) return;
    do {
      this.skip(WHITESPACE);
      item();
      this.skip(WHITESPACE);
    } while (this.eat(','));
    this.expect(close);
  }

  /** Reads a key together with its separator: `"k"=>`, `:k=>`, `1=>`, or the Ruby 3.4 labels `k:` and `"k":`. */
  private key(): string {
    const ch = this.peek();
    let key: string;
    if (ch === '"') {
      key = this.string();
      if (this.eat(':')) return key;
    } else if (ch === ':') {
      this.pos++;
      // Ruby ≤3.3 quotes symbols that are not identifiers: :"my key"=>1.
      key = this.peek() === '"' ? this.string() : this.identifier();
    } else if (ch === '-' || isDigit(ch, 10)) {
      const start = this.pos;
      this.eat('-');
      this.digits();
      if (this.pos - start > MAX_KEY_LENGTH) throw new RubyLiteralError('key too long', start);
      // BigInt keeps ids beyond 2^53 exact and normalises `-0` and leading zeros.
      key = BigInt(this.text.slice(start, this.pos)).toString();
    } else {
      key = this.identifier();
      this.expect(':');
      return key;
    }
    this.skip(WHITESPACE);
    this.expect('=>');
    return key;
  }

  private number(): number {
    const start = this.pos;
    this.eat('-');
    this.digits();
    if (this.eat('.')) this.digits();
    if (this.eat('e') || this.eat('E')) {
      if (!this.eat('+')) this.eat('-');
      this.digits();
    }
    const value = Number(this.text.slice(start, this.pos));
    if (!Number.isFinite(value)) throw new RubyLiteralError('number out of range', start);
    return value;
  }

  private string(): string {
    const start = this.pos;
    this.expect('"');
    let out = '';
    // Unescaped runs are copied in one slice rather than character by character.
    let run = this.pos;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) throw new RubyLiteralError('unterminated string', start);
      if (ch !== '"' && ch !== '\\') {
        this.pos++;
        continue;
      }
      out += this.text.slice(run, this.pos);
      this.pos++;
      if (ch === '"') return out;
      out += this.escape(start);
      run = this.pos;
    }
  }

  private escape(stringStart: number): string {
    const at = this.pos - 1;
    const ch = this.peek();
    if (ch === undefined) throw new RubyLiteralError('unterminated string', stringStart);
    const letter = ESCAPE_LETTERS.indexOf(ch);
    if (letter >= 0) {
      this.pos++;
      return ESCAPED_CHARS.charAt(letter);
    }
    // Octal and \x escapes denote bytes; like Ruby, an octal value above 0o377 keeps its low byte.
    if (isDigit(ch, 8)) return String.fromCharCode(this.hexOrOctal(8, 1, 3, at) & 0xff);
    this.pos++;
    if (ch === 'x') return String.fromCharCode(this.hexOrOctal(16, 1, 2, at));
    if (ch === 'u') return this.unicode(at);
    // \" \\ \# (Ruby's guard for `#{`, `#$`, `#@`) and any other escaped character stand for themselves.
    return ch;
  }

  private unicode(at: number): string {
    if (!this.eat('{')) return String.fromCharCode(this.hexOrOctal(16, 4, 4, at));
    // \u{...} may list several space-separated code points, e.g. \u{41 42}.
    let out = '';
    for (let count = 0; ; count++) {
      const separated = this.skip(' \t');
      if (count > 0 && this.eat('}')) return out;
      if (count > 0 && !separated) throw new RubyLiteralError('invalid escape', at);
      const codePoint = this.hexOrOctal(16, 1, 6, at);
      if (codePoint > 0x10ffff) throw new RubyLiteralError('invalid escape', at);
      out += String.fromCodePoint(codePoint);
    }
  }

  private hexOrOctal(radix: 8 | 16, min: number, max: number, at: number): number {
    const start = this.pos;
    while (this.pos - start < max && isDigit(this.peek(), radix)) this.pos++;
    if (this.pos - start < min) throw new RubyLiteralError('invalid escape', at);
    return Number.parseInt(this.text.slice(start, this.pos), radix);
  }

  private identifier(): string {
    const start = this.pos;
    if (!isIdentifierStart(this.peek())) this.unexpected();
    while (isIdentifierStart(this.peek()) || isDigit(this.peek(), 10)) this.pos++;
    if (this.peek() === '?' || this.peek() === '!') this.pos++;
    return this.text.slice(start, this.pos);
  }

  private digits(): void {
    if (!isDigit(this.peek(), 10)) this.unexpected();
    while (isDigit(this.peek(), 10)) this.pos++;
  }

  /** Skips any run of `chars` and tells whether there was one. */
  private skip(chars: string): boolean {
    const start = this.pos;
    while (this.pos < this.text.length && chars.includes(this.text.charAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private eat(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.pos++;
    return true;
  }

  private expect(token: string): void {
    if (!this.text.startsWith(token, this.pos)) this.unexpected();
    this.pos += token.length;
  }

  private unexpected(): never {
    const codePoint = this.text.codePointAt(this.pos);
    const what = codePoint === undefined ? 'end of input' : JSON.stringify(String.fromCodePoint(codePoint));
    throw new RubyLiteralError(`unexpected ${what}`, this.pos);
  }
}
