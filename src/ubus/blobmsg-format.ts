// The libubox JSON formatter (blobmsg_format_json / blobmsg_format_json_indent): the text `ubus
// call`, `ubus listen` and `ubus subscribe` print. Reproduced with its quirks because scripts on
// OpenWrt parse that text: doubles as C "%lf" (six decimals, nan, inf), int8 as true/false, a
// table member with an empty name printed without key, array member names never printed, and
// an invalid member printing nothing while its separator is still written (`{,"ok":1}`).
// Indented mode writes a newline plus one TAB per level before every member and before the
// closing bracket, so an empty table is "{\n\t\n}" at level 0.
import { type BlobmsgField, type BlobmsgValue } from './blobmsg.js';

/** libubox caps the indentation string; deeper levels print no more tabs than this. */
const MAX_TABS = 32;

export interface FormatOptions {
  /** Indentation level to start at (blobmsg_format_json_indent); omit for the compact form. */
  indent?: number;
}

class JsonText {
  parts: string[] = [];
  constructor(readonly indented: boolean, public level: number) {}

  put(s: string): void {
    this.parts.push(s);
  }

  separator(): void {
    if (this.indented) this.put('\n' + '\t'.repeat(Math.min(this.level, MAX_TABS)));
  }
}

/** C printf("%lf"): the exact decimal value of the double rounded half-even to 6 places. */
export function formatDoubleLf(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const negative = x < 0 || Object.is(x, -0);
  const buf = Buffer.alloc(8);
  buf.writeDoubleBE(Math.abs(x));
  const bits = buf.readBigUInt64BE(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  // value = mant * 2^e exactly
  const mant = exp === 0 ? frac : frac | (1n << 52n);
  const e = (exp === 0 ? 1 : exp) - 1075;
  let scaled: bigint; // round(value * 10^6)
  if (e >= 0) {
    scaled = (mant << BigInt(e)) * 1000000n;
  } else {
    const num = mant * 1000000n;
    const den = 1n << BigInt(-e);
    const q = num / den;
    const r = num - q * den;
    const twice = r * 2n;
    scaled = twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
  }
  const digits = scaled.toString().padStart(7, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

/** blobmsg_format_string: JSON-style escapes for " \ \b \n \t \r, \u00XX for other controls. */
export function formatJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '\0') break;
    switch (ch) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\b': out += '\\b'; break;
      case '\n': out += '\\n'; break;
      case '\t': out += '\\t'; break;
      case '\r': out += '\\r'; break;
      default: {
        const code = ch.codePointAt(0) ?? 0;
        out += code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
      }
    }
  }
  return out + '"';
}

function formatList(s: JsonText, children: readonly BlobmsgField[], array: boolean): void {
  s.put(array ? '[' : '{');
  s.level++;
  s.separator();
  children.forEach((child, i) => {
    if (i > 0) {
      s.put(',');
      s.separator();
    }
    formatElement(s, child, array);
  });
  s.level--;
  s.separator();
  s.put(array ? ']' : '}');
}

function formatElement(s: JsonText, field: BlobmsgField, withoutName: boolean): void {
  const v: BlobmsgValue = field.value;
  if (v.type === 'invalid') return;
  if (!withoutName && field.name !== '') {
    s.put(formatJsonString(field.name));
    s.put(s.indented ? ': ' : ':');
  }
  switch (v.type) {
    case 'unspec': s.put('null'); break;
    case 'int8': s.put(v.value !== 0 ? 'true' : 'false'); break;
    case 'int16': case 'int32': s.put(String(v.value)); break;
    case 'int64': s.put(v.value.toString()); break;
    case 'double': s.put(formatDoubleLf(v.value)); break;
    case 'string': s.put(formatJsonString(v.value)); break;
    case 'array': formatList(s, v.children, true); break;
    case 'table': formatList(s, v.children, false); break;
  }
}

/**
 * Formats a member list as a JSON object the way libubox does (`list` mode of the formatter on a
 * UBUS_ATTR_DATA attribute). `indent: 0` is `ubus call`'s output, no indent is `-S` / listen.
 */
export function formatBlobmsgJson(fields: readonly BlobmsgField[], options: FormatOptions = {}): string {
  const s = new JsonText(options.indent !== undefined, options.indent ?? 0);
  formatList(s, fields, false);
  return s.parts.join('');
}

/** Formats one value (non-list mode), e.g. an array member on its own. */
export function formatBlobmsgValue(value: BlobmsgValue, options: FormatOptions = {}): string {
  const s = new JsonText(options.indent !== undefined, options.indent ?? 0);
  formatElement(s, { name: '', value }, true);
  return s.parts.join('');
}
