// The character level of lenient JSON (the JSON5 grammar, which is what users paste from the
// chapter): whitespace and comments, strings, numbers, literals and unquoted keys. Pure.
// Invariants: it works on UTF-16 indexes only and never rescans (every read moves `i` forward), so
// a whole text costs one pass; strings are sliced between escapes, never built a character at a
// time. A rejection is a JsonSyntaxFailure holding the index at fault (the text's length for an
// early end); turning indexes into lines and columns is the parser's business.
// The reasons and the way characters are shown in them ('\n', '\"') are those json5 printed, which
// users and tests already know.

export class JsonSyntaxFailure {
  constructor(readonly reason: string, readonly index: number) {}
}

const END_OF_INPUT = 'invalid end of input';

const SHOWN: Record<string, string> = {
  "'": "\\'", '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t',
  '\v': '\\v', '\0': '\\0', '\u2028': '\\u2028', '\u2029': '\\u2029',
};

/** A character as a message shows it: escaped when it is invisible or a quote. */
export function showChar(c: string): string {
  const shown = SHOWN[c];
  if (shown !== undefined) return shown;
  const code = c.charCodeAt(0);
  return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : c;
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const LITERALS: Record<string, [string, unknown]> = {
  n: ['null', null], t: ['true', true], f: ['false', false], I: ['Infinity', Infinity], N: ['NaN', NaN],
};
// ES5 IdentifierName beyond ASCII: letters and letter numbers start a name; marks, digits and
// connector punctuation may follow (with ZWNJ and ZWJ).
const ID_START = /[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}]/u;
const ID_PART = /[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}\u200C\u200D]/u;
// Whitespace beyond ASCII: NBSP, BOM, the line and paragraph separators and the other Zs spaces.
const WIDE_SPACE = /[\u00A0\uFEFF\u2028\u2029\p{Zs}]/u;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46);
}

function isAsciiIdStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x24 || code === 0x5f;
}

function isIdChar(ch: string, start: boolean): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return isAsciiIdStart(code) || (!start && isDigit(code));
  return start ? ID_START.test(ch) : ID_PART.test(ch);
}

export class JsonLexer {
  /** The index of the next character to read. */
  i = 0;

  constructor(readonly text: string) {}

  get atEnd(): boolean {
    return this.i >= this.text.length;
  }

  /** The character at `i` ('' at the end of the text). */
  peek(): string {
    return this.text.charAt(this.i);
  }

  /** The failure for what stands at `at`: the character there (a whole code point), or the end. */
  invalidAt(at: number): JsonSyntaxFailure {
    if (at >= this.text.length) return new JsonSyntaxFailure(END_OF_INPUT, this.text.length);
    const ch = String.fromCodePoint(this.text.codePointAt(at)!);
    return new JsonSyntaxFailure(`invalid character '${showChar(ch)}'`, at);
  }

  /** Moves past whitespace and comments. */
  skipTrivia(): void {
    const text = this.text;
    let i = this.i;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) {
        // \t \n \v \f \r and the space
        i++;
      } else if (code === 0x2f) {
        const next = text.charCodeAt(i + 1);
        if (next === 0x2f) {
          i += 2;
          while (i < text.length) {
            const c = text.charCodeAt(i);
            if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) break;
            i++;
          }
        } else if (next === 0x2a) {
          const close = text.indexOf('*/', i + 2);
          if (close < 0) throw new JsonSyntaxFailure(END_OF_INPUT, text.length);
          i = close + 2;
        } else {
          throw this.invalidAt(i + 1);
        }
      } else if (code >= 0x80 && WIDE_SPACE.test(text.charAt(i))) {
        i++;
      } else {
        break;
      }
    }
    this.i = i;
  }

  /** A quoted string, `i` at its opening quote. */
  readString(): string {
    const text = this.text;
    const quote = text.charCodeAt(this.i);
    let i = this.i + 1;
    let chunkStart = i;
    let out = '';
    for (;;) {
      if (i >= text.length) throw new JsonSyntaxFailure(END_OF_INPUT, text.length);
      const code = text.charCodeAt(i);
      if (code === quote) break;
      if (code === 0x0a || code === 0x0d) throw this.invalidAt(i);
      if (code === 0x5c) {
        out += text.slice(chunkStart, i);
        const [decoded, next] = this.readEscape(i + 1);
        out += decoded;
        i = next;
        chunkStart = i;
      } else {
        i++;
      }
    }
    this.i = i + 1;
    return out + text.slice(chunkStart, i);
  }

  /** The escape after a backslash, `at` just past it: the text it stands for and where it ends. */
  private readEscape(at: number): [string, number] {
    const text = this.text;
    if (at >= text.length) throw new JsonSyntaxFailure(END_OF_INPUT, text.length);
    const ch = text.charAt(at);
    const simple = SIMPLE_ESCAPES[ch];
    if (simple !== undefined) return [simple, at + 1];
    switch (ch) {
      case '0':
        // \0 is the NUL character; \01 would be an octal escape, which JSON5 forbids.
        if (isDigit(text.charCodeAt(at + 1))) throw this.invalidAt(at + 1);
        return ['\0', at + 1];
      case 'x':
        return [String.fromCharCode(this.readHex(at + 1, 2)), at + 3];
      case 'u':
        return [String.fromCharCode(this.readHex(at + 1, 4)), at + 5];
      case '\r':
        // A line continuation: the backslash and the line break stand for nothing.
        return ['', text.charAt(at + 1) === '\n' ? at + 2 : at + 1];
      case '\n': case '\u2028': case '\u2029':
        return ['', at + 1];
    }
    if (isDigit(text.charCodeAt(at))) throw this.invalidAt(at);
    // Any other character stands for itself (\' \" \\ \/ and the rest).
    return [ch, at + 1];
  }

  /** `count` hex digits from `at`, as a number. */
  private readHex(at: number, count: number): number {
    for (let k = at; k < at + count; k++) {
      if (!isHexDigit(this.text.charCodeAt(k))) throw this.invalidAt(k);
    }
    return parseInt(this.text.slice(at, at + count), 16);
  }

  /**
   * A number, `i` at its first character (a sign, a digit, a point, or the I of Infinity or the N
   * of NaN): JSON numbers, plus a leading +, a leading or trailing point, hex, Infinity and NaN.
   */
  readNumber(): number {
    const text = this.text;
    let i = this.i;
    let sign = 1;
    if (text[i] === '+' || text[i] === '-') {
      if (text[i] === '-') sign = -1;
      i++;
    }
    const first = text.charAt(i);
    if (first === 'I' || first === 'N') {
      this.i = i;
      return sign * (this.readLiteral() as number);
    }
    if (first === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
      let j = i + 2;
      if (!isHexDigit(text.charCodeAt(j))) throw this.invalidAt(j);
      while (isHexDigit(text.charCodeAt(j))) j++;
      this.i = j;
      return sign * Number(text.slice(i, j));
    }
    const start = i;
    if (first === '0') {
      // JSON5 has no leading zeros: what follows a 0 is not part of the number.
      i++;
    } else if (isDigit(text.charCodeAt(i))) {
      while (isDigit(text.charCodeAt(i))) i++;
    } else if (first !== '.') {
      throw this.invalidAt(i);
    }
    if (text[i] === '.') {
      i++;
      // A lone point is no number: it needs a digit on one side.
      if (i - 1 === start && !isDigit(text.charCodeAt(i))) throw this.invalidAt(i);
      while (isDigit(text.charCodeAt(i))) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!isDigit(text.charCodeAt(i))) throw this.invalidAt(i);
      while (isDigit(text.charCodeAt(i))) i++;
    }
    this.i = i;
    return sign * Number(text.slice(start, i));
  }

  /** null, true, false, Infinity or NaN, `i` at its first letter; a wrong letter is named where it stands. */
  readLiteral(): unknown {
    const literal = LITERALS[this.peek()];
    if (!literal) throw this.invalidAt(this.i);
    const [word, value] = literal;
    for (let k = 1; k < word.length; k++) {
      if (this.text[this.i + k] !== word[k]) throw this.invalidAt(this.i + k);
    }
    this.i += word.length;
    return value;
  }

  /** Whether an unquoted key can start at `i`. */
  atIdentifierStart(): boolean {
    if (this.atEnd) return false;
    const code = this.text.charCodeAt(this.i);
    if (code < 0x80) return isAsciiIdStart(code) || code === 0x5c;
    return isIdChar(String.fromCodePoint(this.text.codePointAt(this.i)!), true);
  }

  /** An unquoted key (an ES5 IdentifierName, \uXXXX escapes included), `i` at its first character. */
  readIdentifierName(): string {
    const text = this.text;
    let i = this.i;
    let chunkStart = i;
    let out = '';
    for (;;) {
      const code = text.charCodeAt(i);
      const start = i === this.i;
      if (code < 0x80 && (isAsciiIdStart(code) || (!start && isDigit(code)))) {
        i++;
      } else if (code === 0x5c) {
        out += text.slice(chunkStart, i);
        if (text[i + 1] !== 'u') throw this.invalidAt(i + 1);
        const ch = String.fromCharCode(this.readHex(i + 2, 4));
        if (!isIdChar(ch, start)) throw new JsonSyntaxFailure('invalid identifier character', i);
        out += ch;
        i += 6;
        chunkStart = i;
      } else if (code >= 0x80 && i < text.length) {
        const ch = String.fromCodePoint(text.codePointAt(i)!);
        if (!isIdChar(ch, start)) break;
        i += ch.length;
      } else {
        break;
      }
    }
    if (i === this.i) throw this.invalidAt(i);
    this.i = i;
    return out + text.slice(chunkStart, i);
  }
}
