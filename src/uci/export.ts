// Serialises a package the way `uci export` prints it and `uci commit` writes it, byte for byte:
// a blank line before every section, values single-quoted with `'` written as `'\''`, types
// written bare (only `'` escaped), names quoted. Also serialises one section spec for paradrop's
// own files, in the same format but quoting a type that would not read back bare.
// Pure; builds strings from slices (no per-character concatenation).
import type { UciOption, UciPackage, UciSection, UciSectionSpec } from './model.js';

/** `'` -> `'\''`, the only escape uci applies. */
export function escapeQuote(s: string): string {
  return s.includes("'") ? s.replaceAll("'", "'\\''") : s;
}

/** A value as uci writes it: `'v'` with quotes escaped. */
export function quoteValue(s: string): string {
  return `'${escapeQuote(s)}'`;
}

export interface ExportOptions {
  /** Write `package <name>` first (export: yes; the file commit writes: no). Default true. */
  header?: boolean;
  /** Name anonymous sections too (`uci export -n`). Default false. */
  nameAnonymous?: boolean;
  /** Line terminator. Default `\n`. */
  eol?: string;
}

function appendOptions(out: string, options: readonly UciOption[], eol: string): string {
  for (const o of options) {
    const name = escapeQuote(o.name);
    if (typeof o.value === 'string') {
      out += `\toption ${name} '${escapeQuote(o.value)}'${eol}`;
    } else {
      for (const item of o.value) out += `\tlist ${name} '${escapeQuote(item)}'${eol}`;
    }
  }
  return out;
}

function appendSection(out: string, s: UciSection, nameAnonymous: boolean, eol: string): string {
  out += `${eol}config ${escapeQuote(s.type)}`;
  if (!s.anonymous || nameAnonymous) out += ` '${escapeQuote(s.name)}'`;
  out += eol;
  return appendOptions(out, s.options, eol);
}

/** What `uci export <pkg>` prints. */
export function exportUci(pkg: UciPackage, opts: ExportOptions = {}): string {
  const eol = opts.eol ?? '\n';
  let out = opts.header === false ? '' : `package ${escapeQuote(pkg.name)}${eol}`;
  const named = opts.nameAnonymous ?? false;
  for (const s of pkg.sections) out = appendSection(out, s, named, eol);
  return out + eol;
}

/** What `uci commit` writes to the config file: the export without the `package` line. */
export function exportUciBody(pkg: UciPackage): string {
  return exportUci(pkg, { header: false });
}

/** Characters that end or change an unquoted word when uci reads it back. */
const UNSAFE_BARE = /['"#;\\]/;

/**
 * One section in export format (`config TYPE 'NAME'`, one `option`/`list` line per value, every
 * line ending in `eol`), without the blank line export puts before it. A type holding a quote,
 * `#`, `;` or backslash is single-quoted so the text always reads back to the same section.
 */
export function serializeSection(spec: UciSectionSpec, eol = '\n'): string {
  const type = UNSAFE_BARE.test(spec.type) ? quoteValue(spec.type) : spec.type;
  return appendOptions(`config ${type} ${quoteValue(spec.name)}${eol}`, spec.options, eol);
}
