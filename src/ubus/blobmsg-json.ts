// JSON text -> blobmsg, as libubox's blobmsg_json does it (blobmsg_add_json_from_string over
// json-c 0.16): what `ubus call` and `ubus send` put on the wire for a message argument.
// Invariants of the text path (checked by vectors/ubus/blobmsg.json): the top level must be an
// object; integers become INT32 when they fit, else INT64 (clamped to the int64 range); a number
// written with a fraction or exponent is a DOUBLE; true/false are INT8; null is UNSPEC; member
// order is kept and a repeated key keeps its first position with the last value; strings and
// keys end at the first NUL. json-c leniency kept: trailing commas, comments, single quotes,
// case-insensitive literals, NaN/Infinity, and text after the top-level value is ignored.
import { type BlobmsgField, type BlobmsgValue } from './blobmsg.js';
import { integerValue } from './blobmsg-js.js';
import { UbusError, UbusStatus } from './status.js';

/** json-c's default nesting limit (JSON_TOKENER_DEFAULT_DEPTH). */
const MAX_DEPTH = 32;

function parseError(text: string, at: number, what: string): UbusError {
  return new UbusError(UbusStatus.PARSE_ERROR, `message is not valid JSON: ${what} at offset ${at}`, {
    value: text.length > 80 ? `${text.slice(0, 77)}...` : text,
    expected: 'a JSON object',
  });
}

function cutAtNul(s: string): string {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
}

class JsonCParser {
  private at = 0;
  constructor(private readonly text: string) {}

  parseTopObject(): BlobmsgField[] {
    this.skipSpace();
    if (this.text[this.at] !== '{') throw parseError(this.text, this.at, 'the top level is not an object');
    const value = this.parseValue(1);
    if (value.type !== 'table') throw parseError(this.text, 0, 'the top level is not an object');
    return value.children;
  }

  private fail(what: string): never {
    throw parseError(this.text, this.at, what);
  }

  private skipSpace(): void {
    const t = this.text;
    for (;;) {
      const c = t[this.at];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') this.at++;
      else if (c === '/' && t[this.at + 1] === '*') {
        const end = t.indexOf('*/', this.at + 2);
        if (end < 0) this.fail('unterminated comment');
        this.at = end + 2;
      } else if (c === '/' && t[this.at + 1] === '/') {
        const end = t.indexOf('\n', this.at + 2);
        this.at = end < 0 ? t.length : end + 1;
      } else return;
    }
  }

  private parseValue(depth: number): BlobmsgValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.skipSpace();
    const c = this.text[this.at];
    if (c === undefined) this.fail('unexpected end of input');
    if (c === '{') return this.parseObject(depth);
    if (c === '[') return this.parseArray(depth);
    if (c === '"' || c === "'") return { type: 'string', value: cutAtNul(this.parseString()) };
    if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber();
    return this.parseWord();
  }

  private parseWord(): BlobmsgValue {
    const rest = this.text.slice(this.at, this.at + 9).toLowerCase();
    const words: Array<[string, BlobmsgValue]> = [
      ['true', { type: 'int8', value: 1 }],
      ['false', { type: 'int8', value: 0 }],
      ['null', { type: 'unspec' }],
      ['nan', { type: 'double', value: NaN }],
      ['infinity', { type: 'double', value: Infinity }],
    ];
    for (const [word, value] of words) {
      if (rest.startsWith(word)) {
        this.at += word.length;
        return value;
      }
    }
    return this.fail('unexpected character');
  }

  private parseObject(depth: number): BlobmsgValue {
    this.at++; // {
    const children: BlobmsgField[] = [];
    const index = new Map<string, number>();
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return { type: 'table', children };
    }
    for (;;) {
      this.skipSpace();
      const q = this.text[this.at];
      if (q !== '"' && q !== "'") this.fail('expected a quoted member name');
      const name = cutAtNul(this.parseString());
      this.skipSpace();
      if (this.text[this.at] !== ':') this.fail("expected ':'");
      this.at++;
      const value = this.parseValue(depth + 1);
      const seen = index.get(name);
      if (seen === undefined) {
        index.set(name, children.length);
        children.push({ name, value });
      } else {
        children[seen] = { name, value };
      }
      this.skipSpace();
      const c = this.text[this.at++];
      if (c === '}') return { type: 'table', children };
      if (c !== ',') this.fail("expected ',' or '}'");
      this.skipSpace();
      if (this.text[this.at] === '}') {
        this.at++;
        return { type: 'table', children };
      }
    }
  }

  private parseArray(depth: number): BlobmsgValue {
    this.at++; // [
    const children: BlobmsgField[] = [];
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return { type: 'array', children };
    }
    for (;;) {
      children.push({ name: '', value: this.parseValue(depth + 1) });
      this.skipSpace();
      const c = this.text[this.at++];
      if (c === ']') return { type: 'array', children };
      if (c !== ',') this.fail("expected ',' or ']'");
      this.skipSpace();
      if (this.text[this.at] === ']') {
        this.at++;
        return { type: 'array', children };
      }
    }
  }

  private parseNumber(): BlobmsgValue {
    const t = this.text;
    if (t[this.at] === '-' && /^-infinity/i.test(t.slice(this.at, this.at + 9))) {
      this.at += 9;
      return { type: 'double', value: -Infinity };
    }
    const m = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(t.slice(this.at, this.at + 1100));
    if (m === null) this.fail('malformed number');
    const lexeme = m[0];
    this.at += lexeme.length;
    // json-c reads every char of "0123456789.+-eE" into the number token before converting.
    if (/[0-9.+\-eE]/.test(t[this.at] ?? '')) this.fail('malformed number');
    if (m[1] !== undefined || m[2] !== undefined) return { type: 'double', value: Number(lexeme) };
    return integerValue(BigInt(lexeme));
  }

  private parseString(): string {
    const t = this.text;
    const quote = t[this.at++];
    let out = '';
    for (;;) {
      const c = t[this.at++];
      if (c === undefined) this.fail('unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = t[this.at++];
      switch (e) {
        case '"': case '\\': case '/': case "'": out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': out += this.parseUnicodeEscape(); break;
        default: this.fail('invalid escape');
      }
    }
  }

  private readHex4(): number {
    const hex = this.text.slice(this.at, this.at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
    this.at += 4;
    return parseInt(hex, 16);
  }

  /** A surrogate pair joins; a lone surrogate becomes U+FFFD, as json-c does. */
  private parseUnicodeEscape(): string {
    const hi = this.readHex4();
    if (hi >= 0xd800 && hi <= 0xdbff && this.text.startsWith('\\u', this.at)) {
      const save = this.at;
      this.at += 2;
      const lo = this.readHex4();
      if (lo >= 0xdc00 && lo <= 0xdfff) return String.fromCharCode(hi, lo);
      this.at = save;
      return '\ufffd';
    }
    if (hi >= 0xd800 && hi <= 0xdfff) return '\ufffd';
    return String.fromCharCode(hi);
  }
}

/**
 * `blobmsg_add_json_from_string`: a JSON object's text to the member list `ubus call` sends.
 * Throws UbusError PARSE_ERROR (what `ubus call` reports, exit 244) for anything else.
 */
export function parseJsonToBlobmsg(text: string): BlobmsgField[] {
  return new JsonCParser(text.split('\0', 1)[0] ?? '').parseTopObject();
}
