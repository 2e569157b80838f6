// Lossless editing of paradrop's own sections in a UCI file: every owned section is replaced by
// the desired section of the same name, removed when not desired, and desired sections not yet
// in the file are appended. Every byte outside owned sections stays as it was.
//
// Where an owned section's bytes are ("its block"): from the start of the line of its `config`
// statement to the end of the line of its last `option`/`list` statement. What follows it
// (blank lines, comment lines) up to the next `config` line is NOT part of it: such comments
// usually introduce the next section, and comments are never ours to delete. Comments found
// *inside* a block are kept too: full-line ones as they are, a `# comment` trailing one of the
// block's statement lines (`\toption x 'y' # user note`) as a line of its own with that line's
// indentation; all of them, in file order, are put in front of the replacement (or left where the
// block was, on removal). Other text uci ignores at the end of a statement line (what follows a
// `;` after a bare word, or a NUL) cannot be kept that way: such a block is refused (UciError).
//
// Blank lines (appended sections get one before them, a removed section takes one neighbouring
// blank line with it): see replaceOwnedSections.
//
// An owned section that already matches the desired one keeps its bytes (idempotent). Input that
// uci cannot parse is refused (UciParseError); so are owned sections sharing a line with another
// statement (`...; config pd_x`), which cannot be cut out cleanly. The result is parsed again and
// checked before it is returned.
import { InternalError, quote } from '../errors.js';
import type { UciPackage, UciSection, UciSectionSpec } from './model.js';
import { toFileText, type ConfigEncoding } from './encoding.js';
import { parseUci, parseUciLayout, type UciLayout } from './parse.js';
import { serializeSection } from './export.js';
import { UciError } from './errors.js';
import { normalizeSpecs, optionsEqual, sectionMatches, type OwnershipTest } from './section-spec.js';

export type { OwnershipTest } from './section-spec.js';

interface Block {
  /** Index in pkg.sections. */
  section: number;
  start: number;
  coreEnd: number;
  /** Starts and ends at line boundaries, sharing no line with another statement. */
  clean: boolean;
  /** Comments inside the block (full-line, and trailing ones made full lines), with line ends. */
  comments: string;
  /** Line number (1-based) of text uci ignores that cannot be kept as a comment, or 0. */
  strayLine: number;
  firstOfSection: boolean;
}

function isBlankLineAt(t: string, i: number, limit: number): number {
  if (i < limit && t.charCodeAt(i) === 10) return 1;
  if (i + 1 < limit && t.charCodeAt(i) === 13 && t.charCodeAt(i + 1) === 10) return 2;
  return 0;
}

/** t[from, to) consists of blank lines only. */
function allBlank(t: string, from: number, to: number): boolean {
  for (let i = from; i < to; ) {
    const n = isBlankLineAt(t, i, to);
    if (n === 0) return false;
    i += n;
  }
  return true;
}

function lineStartOf(t: string, i: number): number {
  return i === 0 ? 0 : t.lastIndexOf('\n', i - 1) + 1;
}

function lineEndOf(t: string, i: number): number {
  if (i === 0 || t.charCodeAt(i - 1) === 10 || i >= t.length) return i;
  const nl = t.indexOf('\n', i);
  return nl < 0 ? t.length : nl + 1;
}

/** Start of the blank line that ends right at `start`, or -1. */
function blankLineBefore(t: string, start: number): number {
  if (start === 0) return -1;
  const ps = lineStartOf(t, start - 1);
  return isBlankLineAt(t, ps, start) === start - ps ? ps : -1;
}

const BLANKS = /^[ \t\v\f\r]*/;

function computeBlocks(text: string, layout: UciLayout, eol: string): Block[] {
  const blocks: Block[] = [];
  const seen = new Set<number>();
  const stmts = layout.statements;
  for (let i = 0; i < stmts.length; i++) {
    const st = stmts[i]!;
    if (st.kind !== 'config') continue;
    let j = i + 1;
    let lastEnd = st.end;
    for (; j < stmts.length && stmts[j]!.kind !== 'config'; j++) {
      // A `package` line after our options is not ours (it belongs to nobody and is kept).
      if (stmts[j]!.kind !== 'package') lastEnd = Math.max(lastEnd, stmts[j]!.end);
    }
    const ls = lineStartOf(text, st.start);
    const startsLine = /^[ \t\v\f\r]*$/.test(text.slice(ls, st.start));
    const start = startsLine ? ls : st.start;
    let coreEnd = lineEndOf(text, lastEnd);
    let clean = startsLine;
    const next = stmts[j];
    if (next && next.start < coreEnd) {
      coreEnd = next.start;
      clean = false;
    }
    // Comment lines inside: lines no statement touches whose first non-blank character is '#'.
    // On a statement line, whatever follows the last statement ending on it is a comment or
    // text uci dropped.
    let comments = '';
    let strayLine = 0;
    let k = i;
    for (let p = start; p < coreEnd; ) {
      const le = Math.min(lineEndOf(text, p + 1), coreEnd);
      while (k < j && stmts[k]!.end <= p) k++;
      const touched = k < j && stmts[k]!.start < le;
      if (!touched) {
        if (/^[ \t\v\f\r]*#/.test(text.slice(p, le))) comments += text.slice(p, le);
        p = le;
        continue;
      }
      let last = k;
      while (last + 1 < j && stmts[last + 1]!.start < le) last++;
      const end = stmts[last]!.end;
      const tail = end > p && end < le ? text.slice(end, le).replace(/\r?\n$/, '') : '';
      const rest = tail.slice(BLANKS.exec(tail)![0].length);
      if (rest.startsWith('#')) {
        const ls = stmts[last]!.start >= p ? p : lineStartOf(text, stmts[last]!.start);
        comments += BLANKS.exec(text.slice(ls, le))![0].replace(/[\v\f\r]/g, '') + rest + eol;
      } else if (rest !== '' && strayLine === 0) {
        strayLine = lineNumberAt(text, end);
      }
      p = le;
    }
    blocks.push({ section: st.section, start, coreEnd, clean, comments, strayLine, firstOfSection: !seen.has(st.section) });
    seen.add(st.section);
  }
  return blocks;
}

function lineNumberAt(t: string, i: number): number {
  let n = 1;
  for (let p = t.indexOf('\n'); p >= 0 && p < i; p = t.indexOf('\n', p + 1)) n++;
  return n;
}

type Decision = { kind: 'keep' } | { kind: 'remove' } | { kind: 'replace'; spec: UciSectionSpec };

export interface ReplaceOptions {
  /**
   * How `text` was decoded (readConfigFile). For 'latin1' the desired values, real Unicode
   * strings, are converted with toFileText so the result can be written back byte for byte and
   * the new values come out as UTF-8. Default 'utf8'.
   */
  encoding?: ConfigEncoding;
}

function specInFileText(spec: UciSectionSpec, encoding: ConfigEncoding): UciSectionSpec {
  const conv = (v: string) => toFileText(v, encoding);
  return {
    type: spec.type,
    name: spec.name,
    options: spec.options.map((o) => ({ name: o.name, value: typeof o.value === 'string' ? conv(o.value) : o.value.map(conv) })),
  };
}

/**
 * New text for a UCI file in which paradrop's sections are exactly `desired`. `pkgName` names
 * the package in errors. Everything outside owned sections keeps its bytes; comments inside an
 * owned section are kept in front of it (see the file comment).
 *
 * Blank lines: appended sections get one blank line before them (as `uci export` separates
 * sections; a file without a final newline gets just the newline), inserted before the file's
 * trailing blank lines. Removing a section also removes
 * one neighbouring blank line: the one right before it when a blank line (or only blank lines
 * up to the end) follow it, else the one right after it; a last section glued to the line before
 * it takes that line's newline. So removing what was appended gives back the original bytes,
 * and a section removed from between two others leaves the separation they had.
 *
 * Throws UciParseError for text uci cannot load, ValidationError for invalid or unowned desired
 * sections, UciError when a desired name belongs to a section that is not owned or an owned
 * section to change cannot be cut out (it shares a line with another statement, or one of its
 * lines ends in text uci ignores that is not a `#` comment).
 */
export function replaceOwnedSections(
  text: string,
  pkgName: string,
  desired: readonly UciSectionSpec[],
  isOwned: OwnershipTest,
  opts: ReplaceOptions = {},
): string {
  const encoding = opts.encoding ?? 'utf8';
  const wanted = encoding === 'utf8' ? desired : desired.map((d) => specInFileText(d, encoding));
  const specs = normalizeSpecs(pkgName, wanted, isOwned);
  const layout = parseUciLayout(text, pkgName, { encoding });
  const sections = layout.pkg.sections;
  const owned = sections.map((s) => isOwned({ type: s.type, name: s.name, anonymous: s.anonymous }));
  sections.forEach((s, i) => {
    if (!owned[i] && specs.has(s.name)) {
      const path = `${pkgName}.${s.name}`;
      throw new UciError('Invalid argument', `section ${quote(path)} exists and is not paradrop's; refusing to overwrite it`, {
        path,
        value: s.name,
        expected: 'a section name not used by anything else',
      });
    }
  });

  const decisions = sections.map((s, i): Decision => {
    if (!owned[i]) return { kind: 'keep' };
    const spec = s.anonymous ? undefined : specs.get(s.name);
    if (!spec) return { kind: 'remove' };
    return sectionMatches(s, spec) ? { kind: 'keep' } : { kind: 'replace', spec };
  });
  const present = new Set(sections.filter((s, i) => owned[i] && !s.anonymous).map((s) => s.name));

  const nl = text.indexOf('\n');
  const eol = nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
  const blocks = computeBlocks(text, layout, eol);
  for (const b of blocks) {
    if (decisions[b.section]!.kind === 'keep') continue;
    const path = `${pkgName}.${sections[b.section]!.name}`;
    if (!b.clean) {
      throw new UciError('Invalid argument', `cannot edit section ${quote(path)} in place: it shares a line with another statement; put it on lines of its own`, {
        path,
        expected: 'each section starting and ending on its own lines',
      });
    }
    if (b.strayLine > 0) {
      throw new UciError('Invalid argument', `cannot edit section ${quote(path)} in place: line ${b.strayLine} ends in text uci ignores (after a ';' or a NUL) that would be lost; remove it or make it a # comment`, {
        path,
        value: b.strayLine,
        expected: 'statement lines ending in nothing or a # comment',
      });
    }
  }

  // Edit from the end backwards, so each decision sees the already edited text after it.
  let cursor = text.length;
  let suffix = '';
  let suffixBlank = true;
  for (let bi = blocks.length - 1; bi >= 0; bi--) {
    const b = blocks[bi]!;
    const d = decisions[b.section]!;
    if (d.kind === 'keep') continue;
    let repl: string;
    let editStart = b.start;
    let editEnd = b.coreEnd;
    if (d.kind === 'replace' && b.firstOfSection) {
      repl = b.comments + serializeSection(d.spec, eol);
      const atEof = b.coreEnd === text.length && suffix === '';
      if (atEof && text.length > 0 && text.charCodeAt(text.length - 1) !== 10) repl = repl.slice(0, repl.length - eol.length);
    } else if (b.comments !== '') {
      repl = b.comments;
    } else {
      // Take one blank line with the block: the one before it, else the one after it.
      repl = '';
      const afterLen = b.coreEnd < cursor
        ? isBlankLineAt(text, b.coreEnd, cursor)
        : suffix.startsWith('\n') ? 1 : suffix.startsWith('\r\n') ? 2 : 0;
      const nothingAfter = b.coreEnd === cursor && suffix === '';
      const toEof = suffixBlank && allBlank(text, b.coreEnd, cursor);
      const before = blankLineBefore(text, b.start);
      if (before >= 0 && (afterLen > 0 || toEof)) {
        editStart = before;
      } else if (afterLen > 0 && !toEof) {
        if (b.coreEnd < cursor) editEnd += afterLen;
        else suffix = suffix.slice(afterLen);
      } else if (toEof && nothingAfter && b.start > 0) {
        editStart = b.start - (eol === '\r\n' && text.charCodeAt(b.start - 2) === 13 ? 2 : 1);
      }
    }
    const gapBlank = allBlank(text, editEnd, cursor);
    suffix = repl + text.slice(editEnd, cursor) + suffix;
    suffixBlank = suffixBlank && gapBlank && allBlank(repl, 0, repl.length);
    cursor = editStart;
  }
  let result = text.slice(0, cursor) + suffix;

  const missing = [...specs.values()].filter((s) => !present.has(s.name));
  if (missing.length > 0) {
    let k = result.length;
    for (;;) {
      if (k === 0) break;
      const ls = lineStartOf(result, k - 1);
      if (isBlankLineAt(result, ls, k) !== k - ls) break;
      k = ls;
    }
    const body = result.slice(0, k);
    const added = missing.map((s) => serializeSection(s, eol)).join(eol);
    result = body + (body.length > 0 ? eol : '') + added + result.slice(k);
  }

  verify(pkgName, layout.pkg, owned, result, specs, isOwned, encoding);
  return result;
}

function sameUserSection(a: UciSection, b: UciSection): boolean {
  // Anonymous names depend on the section counter, which our edits shift: compare content.
  return a.type === b.type && a.anonymous === b.anonymous && (a.anonymous || a.name === b.name) && optionsEqual(a.options, b.options);
}

/** The edit must leave other sections alone and yield exactly the desired owned ones. */
function verify(
  pkgName: string,
  before: UciPackage,
  ownedBefore: boolean[],
  result: string,
  specs: Map<string, UciSectionSpec>,
  isOwned: OwnershipTest,
  encoding: ConfigEncoding,
): void {
  const after = parseUci(result, pkgName, { encoding });
  const othersBefore = before.sections.filter((_, i) => !ownedBefore[i]);
  const othersAfter = after.sections.filter((s) => !isOwned({ type: s.type, name: s.name, anonymous: s.anonymous }));
  const ownedAfter = after.sections.filter((s) => isOwned({ type: s.type, name: s.name, anonymous: s.anonymous }));
  const ok = othersBefore.length === othersAfter.length
    && othersBefore.every((s, i) => sameUserSection(s, othersAfter[i]!))
    && ownedAfter.length === specs.size
    && ownedAfter.every((s) => {
      const spec = specs.get(s.name);
      return spec !== undefined && sectionMatches(s, spec);
    });
  if (!ok) throw new InternalError(`replaceOwnedSections produced a wrong result for package ${quote(pkgName)}`);
}
