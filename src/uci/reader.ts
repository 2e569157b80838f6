// The word scanner shared by config files, delta files and `uci batch` input. It reproduces
// libuci's line buffer over one string, by index, without copying lines:
// * a logical line starts at a physical line; the buffer is that line including its `\n`
//   (a NUL byte ends it early, as in C);
// * a quote left open at the end of the buffer, or a backslash before the newline, pulls the next
//   physical line in (the quote keeps the newline, the backslash-newline is dropped);
// * `#` outside quotes ends the buffer; `;` ends a word, and after an unquoted word with nothing
//   removed from it also ends the buffer (libuci's in-place terminator lands on the `;`).
// Positions are string indexes; byte offsets for messages are computed only when failing (for a
// text decoded one char per byte, see encoding.ts, an index is a byte offset).
import { UciParseError } from './errors.js';

const NL = 10;
const CR = 13;
const SQ = 39; // '
const DQ = 34; // "
const HASH = 35;
const SEMI = 59;
const BSL = 92;

/** C `isspace` in the C locale. */
function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

export class UciReader {
  readonly text: string;
  private readonly len: number;
  private readonly hasNul: boolean;
  private readonly subject: string;
  private readonly oneBytePerChar: boolean;
  /** Scan position. */
  pos = 0;
  /** End of the current buffer segment (exclusive). */
  end = 0;
  /** Start of the physical line after the current one. */
  private next = 0;
  /** Physical lines read so far (the current line's 1-based number). */
  line = 0;
  /** Where the current logical line began. */
  private bufStart = 0;
  /** Characters between bufStart and pos that are not in libuci's buffer (joined newlines). */
  private skipped = 0;

  /**
   * `subject` names the package in parse errors; `oneBytePerChar`: the text was decoded one char
   * per byte ('latin1'), so byte offsets in errors are char offsets rather than UTF-8 lengths.
   */
  constructor(text: string, subject: string, oneBytePerChar = false) {
    this.text = text;
    this.len = text.length;
    this.hasNul = text.includes('\0');
    this.subject = subject;
    this.oneBytePerChar = oneBytePerChar;
  }

  /** Starts the next logical line; false at the end of the text. */
  nextLine(): boolean {
    if (this.next >= this.len) return false;
    this.bufStart = this.pos = this.next;
    this.skipped = 0;
    this.line++;
    this.setSegment(this.pos);
    return true;
  }

  /** Where the next logical line will start (= end of everything read so far). */
  get nextLineStart(): number {
    return this.next;
  }

  private setSegment(at: number): void {
    const nl = this.text.indexOf('\n', at);
    const lineEnd = nl < 0 ? this.len : nl + 1;
    let end = lineEnd;
    if (this.hasNul) {
      const z = this.text.indexOf('\0', at);
      if (z >= 0 && z < lineEnd) end = z;
    }
    this.end = end;
    this.next = lineEnd;
  }

  /** An open quote reached the end of the buffer: append the next physical line. */
  private extend(): boolean {
    if (this.next >= this.len) return false;
    this.skipped += this.next - this.end;
    this.pos = this.next;
    this.line++;
    this.setSegment(this.pos);
    return this.pos < this.end;
  }

  /** Backslash before the line end: the next physical line replaces the newline. */
  private join(): void {
    if (this.next >= this.len) {
      this.pos = this.end;
      return;
    }
    this.skipped += this.next - this.pos;
    this.pos = this.next;
    this.line++;
    this.setSegment(this.pos);
  }

  /** After a backslash: is this the end of the line (`\n`, `\r\n` or the buffer end)? */
  private atJoin(): boolean {
    const p = this.pos;
    if (p >= this.end) return true;
    const c = this.text.charCodeAt(p);
    if (c === NL) return true;
    return c === CR && p + 2 >= this.end && p + 1 < this.end && this.text.charCodeAt(p + 1) === NL;
  }

  /** Throws libuci's parse error at the current position. */
  fail(reason: string, at = this.pos): never {
    const seen = this.text.slice(this.bufStart, at);
    const byte = (this.oneBytePerChar ? seen.length : Buffer.byteLength(seen, 'utf8')) - this.skipped;
    throw new UciParseError(this.subject, reason, this.line, Math.max(0, byte));
  }

  skipWhitespace(): void {
    const t = this.text;
    const e = this.end;
    let p = this.pos;
    while (p < e && isSpaceCode(t.charCodeAt(p))) p++;
    this.pos = p;
  }

  /** Skips spaces and TABs only (what strtok(" \t") skips before the command word). */
  skipBlanks(): void {
    const t = this.text;
    const e = this.end;
    let p = this.pos;
    while (p < e) {
      const c = t.charCodeAt(p);
      if (c !== 32 && c !== 9) break;
      p++;
    }
    this.pos = p;
  }

  /** libuci's next_arg without validation: skip whitespace, read one word, '' when none. */
  word(): string {
    this.skipWhitespace();
    return this.readWord();
  }

  private readWord(): string {
    const t = this.text;
    if (this.pos >= this.end) return '';
    if (t.charCodeAt(this.pos) === SEMI) {
      // A word that is only `;`: an empty argument; the statement may go on after it.
      this.pos++;
      if (this.pos < this.end && isSpaceCode(t.charCodeAt(this.pos))) this.pos++;
      return '';
    }
    const start = this.pos;
    const skippedAtStart = this.skipped;
    let out = '';
    let first = true;
    for (;;) {
      if (this.pos >= this.end) return out;
      const c = t.charCodeAt(this.pos);
      if (!first && isSpaceCode(c)) {
        this.pos++;
        return out;
      }
      first = false;
      switch (c) {
        case SQ:
          this.pos++;
          out += this.singleQuoted();
          break;
        case DQ:
          this.pos++;
          out += this.doubleQuoted();
          break;
        case HASH:
          this.end = this.pos;
          return out;
        case SEMI: {
          // libuci terminates the word in place; if nothing was removed from it (no quotes or
          // escapes), that terminator overwrites the `;` and the rest of the line is lost.
          const consumed = this.pos - start - (this.skipped - skippedAtStart);
          if (consumed === out.length) this.end = this.pos;
          return out;
        }
        case BSL:
          this.pos++;
          if (this.atJoin()) {
            this.join();
            break;
          }
          out += t[this.pos];
          this.pos++;
          break;
        default: {
          const e = this.end;
          const s = this.pos;
          let p = s + 1;
          while (p < e) {
            const d = t.charCodeAt(p);
            if (d <= 32 && isSpaceCode(d)) break;
            if (d === SQ || d === DQ || d === HASH || d === SEMI || d === BSL) break;
            p++;
          }
          out += t.slice(s, p);
          this.pos = p;
        }
      }
    }
  }

  private singleQuoted(): string {
    const t = this.text;
    let out = '';
    for (;;) {
      const q = t.indexOf("'", this.pos);
      if (q >= 0 && q < this.end) {
        out += t.slice(this.pos, q);
        this.pos = q + 1;
        return out;
      }
      out += t.slice(this.pos, this.end);
      this.pos = this.end;
      if (!this.extend()) this.fail("EOF with unterminated '");
    }
  }

  private doubleQuoted(): string {
    const t = this.text;
    let out = '';
    for (;;) {
      if (this.pos >= this.end) {
        if (!this.extend()) this.fail('EOF with unterminated "');
        continue;
      }
      const e = this.end;
      let p = this.pos;
      while (p < e) {
        const c = t.charCodeAt(p);
        if (c === DQ || c === BSL) break;
        p++;
      }
      if (p > this.pos) out += t.slice(this.pos, p);
      this.pos = p;
      if (p >= e) continue;
      this.pos = p + 1;
      if (t.charCodeAt(p) === DQ) return out;
      if (this.atJoin()) {
        this.join();
        continue;
      }
      out += t[this.pos];
      this.pos++;
    }
  }
}
