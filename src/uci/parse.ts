// Parses the text of one UCI config file into the in-memory package, statement by statement,
// with libuci's semantics (strict mode by default): keywords and their one-letter forms,
// name/type validation, empty option values dropped, list/option conversions, merging of
// re-opened named sections, anonymous names from the package's section counter.
// Optionally records where each statement sits in the text (for lossless editing).
// Pure: text in, model out; errors are UciParseError with libuci's reason text.
//
// Strict mode (the default, as in the uci CLI) stops at the first parse error. Non-strict mode
// (`uci -S`) is libuci's: extra arguments are ignored, a named section re-opened with another
// type takes the new type, and any other parse error is reported (onError) and parsing goes on
// with the next physical line: the rest of the failing logical line, `;`-separated statements
// included, is skipped, and so is everything a quote left open had pulled in. A failed statement
// changes nothing (a failed `config` leaves the previous section current, so the options after it
// go there, as in libuci).
import type { UciOption, UciPackage, UciSection } from './model.js';
import type { ConfigEncoding } from './encoding.js';
import { anonymousName, isValidName, isValidPackageName, isValidType } from './names.js';
import { UciReader } from './reader.js';
import { UciParseError } from './errors.js';

export interface ParseOptions {
  /** libuci's strict mode (the CLI default; `uci -S` turns it off). Default true. */
  strict?: boolean;
  /** Non-strict mode: called for each parse error that was skipped (uci -S prints them). */
  onError?: (err: UciParseError) => void;
  /** How the text was decoded (encoding.ts); only changes the byte offsets in errors. Default 'utf8'. */
  encoding?: ConfigEncoding;
}

export type StatementKind = 'package' | 'config' | 'option' | 'list';

/** Where one statement sits: [start, end) from its keyword to where parsing of it stopped. */
export interface StatementSpan {
  kind: StatementKind;
  start: number;
  end: number;
  /** Index into pkg.sections of the section it opened or added to; -1 before any section. */
  section: number;
}

export interface UciLayout {
  pkg: UciPackage;
  statements: StatementSpan[];
}

/** Parses `text` as the file `/etc/config/<pkgName>` (a `package` statement in it is ignored). */
export function parseUci(text: string, pkgName: string, opts: ParseOptions = {}): UciPackage {
  return new FileParser(text, pkgName, opts, false).run().pkg;
}

/** Like parseUci, and also returns every statement's position in `text`. */
export function parseUciLayout(text: string, pkgName: string, opts: ParseOptions = {}): UciLayout {
  return new FileParser(text, pkgName, opts, true).run();
}

const KW_NONE = 0;
const KW_CONFIG = 1;
const KW_OPTION = 2;
const KW_LIST = 3;
const KW_PACKAGE = 4;

/** Which command word t[start, end) is (exact, case-sensitive; one-letter forms too). */
function keywordAt(t: string, start: number, end: number): number {
  const n = end - start;
  switch (t.charCodeAt(start)) {
    case 99: // c
      return n === 1 || (n === 6 && t.startsWith('config', start)) ? KW_CONFIG : KW_NONE;
    case 111: // o
      return n === 1 || (n === 6 && t.startsWith('option', start)) ? KW_OPTION : KW_NONE;
    case 108: // l
      return n === 1 || (n === 4 && t.startsWith('list', start)) ? KW_LIST : KW_NONE;
    case 112: // p
      return n === 1 || (n === 7 && t.startsWith('package', start)) ? KW_PACKAGE : KW_NONE;
    default:
      return KW_NONE;
  }
}

/** Could `name` be the generated name of an anonymous section? */
const GENERATED_NAME = /^cfg[0-9a-f]{6,}$/;

class FileParser {
  private readonly r: UciReader;
  private readonly text: string;
  private readonly pkg: UciPackage;
  private readonly strict: boolean;
  /** Explicitly named sections by name (anonymous ones are found by a scan: see findSection). */
  private readonly byName = new Map<string, number>();
  /** Type -> the 4 hex digits of its hash in anonymous names. */
  private readonly typeHash = new Map<string, string>();
  /**
   * Per section, once it has many options: option name -> index (options are never removed while
   * parsing). Small sections are searched linearly, which allocates nothing.
   */
  private readonly optIndex: (Map<string, number> | undefined)[] = [];
  private cur = -1;
  private readonly spans: StatementSpan[] | null;
  private readonly onError: ((err: UciParseError) => void) | undefined;

  constructor(text: string, pkgName: string, opts: ParseOptions, withSpans: boolean) {
    this.text = text;
    this.r = new UciReader(text, pkgName, opts.encoding === 'latin1');
    this.pkg = { name: pkgName, sections: [], sectionCounter: 0 };
    this.strict = opts.strict ?? true;
    this.onError = opts.onError;
    this.spans = withSpans ? [] : null;
  }

  run(): UciLayout {
    const r = this.r;
    if (this.strict) {
      while (r.nextLine()) {
        r.skipWhitespace();
        this.parseLine();
      }
    } else {
      while (r.nextLine()) {
        try {
          r.skipWhitespace();
          this.parseLine();
        } catch (err) {
          if (!(err instanceof UciParseError)) throw err;
          this.onError?.(err);
        }
      }
    }
    return { pkg: this.pkg, statements: this.spans ?? [] };
  }

  /** One logical line: statements separated by `;` until the buffer ends. */
  private parseLine(): void {
    const r = this.r;
    const t = this.text;
    for (;;) {
      r.skipBlanks();
      if (r.pos >= r.end) return;
      const kwStart = r.pos;
      let kwEnd = kwStart;
      while (kwEnd < r.end) {
        const c = t.charCodeAt(kwEnd);
        if (c === 32 || c === 9) break;
        kwEnd++;
      }
      if (t.charCodeAt(kwStart) === 35) return; // '#'
      // strtok terminated the keyword in place; parsing resumes one past the terminator.
      const afterKw = kwEnd < r.end ? kwEnd + 1 : r.end;
      switch (keywordAt(t, kwStart, kwEnd)) {
        case KW_CONFIG:
          this.parseConfig(kwStart, afterKw);
          break;
        case KW_OPTION:
          this.parseOption(kwStart, afterKw, false);
          break;
        case KW_LIST:
          this.parseOption(kwStart, afterKw, true);
          break;
        case KW_PACKAGE:
          this.parsePackage(kwStart, afterKw);
          break;
        default:
          r.fail('invalid command', kwStart);
      }
    }
  }

  private requiredWord(): string {
    const w = this.r.word();
    if (w === '') this.r.fail('insufficient arguments');
    return w;
  }

  private assertEol(): void {
    if (this.r.pos >= this.r.end) return; // the common case: the last word took the line end
    const w = this.r.word();
    if (w !== '' && this.strict) this.r.fail('too many arguments');
  }

  private record(kind: StatementKind, start: number): void {
    this.spans?.push({ kind, start, end: this.r.pos, section: this.cur });
  }

  private parsePackage(kwStart: number, afterKw: number): void {
    const r = this.r;
    r.pos = afterKw;
    const name = this.requiredWord();
    if (!isValidPackageName(name)) r.fail('invalid character in name field');
    this.assertEol();
    // Loading /etc/config/<pkg>: the file name decides the package, the statement is ignored.
    this.record('package', kwStart);
  }

  private parseConfig(kwStart: number, afterKw: number): void {
    const r = this.r;
    r.pos = afterKw;
    const type = this.requiredWord();
    if (!isValidType(type)) r.fail('invalid character in type field');
    const name = r.word();
    if (name !== '' && !isValidName(name)) r.fail('invalid character in name field');
    this.assertEol();
    if (name === '') {
      this.cur = this.allocSection(type, null);
    } else {
      const existing = this.findSection(name);
      if (existing === undefined) {
        this.cur = this.allocSection(type, name);
      } else {
        const s = this.pkg.sections[existing]!;
        if (s.type !== type) {
          if (this.strict) r.fail('section of different type overwrites prior section with same name');
          s.type = type;
        }
        this.cur = existing;
      }
    }
    this.record('config', kwStart);
  }

  /** First section called `name`, anonymous ones included (libuci looks names up in order). */
  private findSection(name: string): number | undefined {
    const named = this.byName.get(name);
    if (!GENERATED_NAME.test(name)) return named;
    const sections = this.pkg.sections;
    const limit = named ?? sections.length;
    for (let i = 0; i < limit; i++) if (sections[i]!.name === name) return i;
    return named;
  }

  private allocSection(type: string, name: string | null): number {
    const pkg = this.pkg;
    pkg.sectionCounter++;
    let generated = '';
    if (name === null) {
      let hash = this.typeHash.get(type);
      if (hash === undefined) {
        hash = anonymousName(0, type).slice(5);
        this.typeHash.set(type, hash);
      }
      const n = pkg.sectionCounter;
      generated = `cfg${n < 16 ? '0' : ''}${n.toString(16)}${hash}`;
    }
    const s: UciSection = { type, name: name ?? generated, anonymous: name === null, options: [] };
    const idx = pkg.sections.length;
    pkg.sections.push(s);
    this.optIndex.push(undefined);
    if (name !== null && !this.byName.has(name)) this.byName.set(name, idx);
    return idx;
  }

  private parseOption(kwStart: number, afterKw: number, isList: boolean): void {
    const r = this.r;
    if (this.cur < 0) r.fail('option/list command found before the first section', kwStart);
    r.pos = afterKw;
    const name = this.requiredWord();
    if (!isValidName(name)) r.fail('invalid character in name field');
    const value = r.word();
    this.assertEol();
    this.applyOption(name, value, isList);
    this.record(isList ? 'list' : 'option', kwStart);
  }

  private applyOption(name: string, value: string, isList: boolean): void {
    const s = this.pkg.sections[this.cur]!;
    const i = this.findOption(s, name);
    if (isList) {
      if (i < 0) {
        this.addOption(s, { name, value: [value] });
      } else {
        const o = s.options[i]!;
        if (typeof o.value === 'string') o.value = [o.value, value];
        else o.value.push(value);
      }
    } else if (value !== '') {
      // An empty value neither creates nor clears an option while loading a file.
      if (i < 0) {
        this.addOption(s, { name, value });
      } else {
        s.options[i]!.value = value;
      }
    }
  }

  private findOption(s: UciSection, name: string): number {
    const index = this.optIndex[this.cur];
    if (index) return index.get(name) ?? -1;
    const opts = s.options;
    for (let i = 0; i < opts.length; i++) if (opts[i]!.name === name) return i;
    return -1;
  }

  private addOption(s: UciSection, o: UciOption): void {
    const opts = s.options;
    let index = this.optIndex[this.cur];
    if (!index && opts.length >= 16) {
      index = new Map(opts.map((x, i) => [x.name, i]));
      this.optIndex[this.cur] = index;
    }
    index?.set(o.name, opts.length);
    opts.push(o);
  }
}
